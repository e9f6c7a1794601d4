export async function buildReport(o: { results: string; dir: string; png: boolean; log: (s: string) => void }): Promise<void> { o.log(`todo ${o.results} ${o.dir} ${o.png}\n`); }
