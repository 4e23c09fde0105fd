/** `up`'s plain shapes, taken without the command parser: by the quick `up` and by a spare controller (spare/serve.ts). */
export interface UpArgs {
  detach?: true;
  json?: true;
  layout?: string;
}

/** `up`'s plain shapes (--detach, --json, --layout), or null for the full CLI (--help, --socket, a typo). */
export function parseUp(args: string[]): UpArgs | null {
  const o: UpArgs = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--detach' || a === '-d') o.detach = true;
    else if (a === '--json') o.json = true;
    else if ((a === '--layout' || a === '-l') && o.layout === undefined && i + 1 < args.length && !args[i + 1]?.startsWith('-')) o.layout = args[++i];
    else if (a.startsWith('--layout=') && o.layout === undefined && a.length > 9) o.layout = a.slice(9);
    else return null;
  }
  return o;
}
