/** An absolute `Link: <...>; rel="next"` for paginated Hugging Face listings, on the hub's origin (HubLinks). */
export function nextLink(origin: string, path: string, query: Record<string, unknown>, cursor: string | null): Record<string, string> {
  if (!cursor) return {};
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || key === 'cursor') continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  params.set('cursor', cursor);
  return { Link: `<${origin}${path}?${params.toString()}>; rel="next"` };
}
