// The report's input errors: what is missing and the command that makes it. Kept apart from
// build.ts so the CLI can recognise them without loading the figure renderer.

/** The results `report` should read are absent or empty. */
export class ReportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportInputError';
  }
}
