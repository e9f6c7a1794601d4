// HTML built so that escaping is the default: the `html` tag escapes every interpolated value unless
// it is already `Html` (the result of another `html` call, or `trusted` markup such as our own SVG).
// Task names, labels and configuration values come from a results file, which anyone can edit.

/** Markup that is safe to insert as is. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Escapes text for an HTML element body or a quoted attribute value. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Marks markup produced by our own code (charts) as safe; never pass record text to it. */
export const trusted = (markup: string): Html => new Html(markup);

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/** A template tag: literal parts as written, each value escaped (arrays joined, null/false empty). */
export function html(parts: TemplateStringsArray, ...values: Value[]): Html {
  let out = parts[0];
  values.forEach((v, i) => {
    out += render(v) + parts[i + 1];
  });
  return new Html(out);
}

/** A name safe for an element id, an anchor and a file name (a crafted task name cannot leave the folder). */
export const slug = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
