/** A name or path fit for an error message: control characters escaped, long values cut. */
export function printable(value: string): string {
  const escaped = JSON.stringify(String(value)).slice(1, -1);
  return escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped;
}
