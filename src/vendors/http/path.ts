/**
 * Builds URL paths from a template with every parameter percent-encoded, refusing parameters that could change
 * the path's shape ("..", ".", empty). Adapters validate ids first; this is the second line of defence.
 */
export function encodePath(strings: TemplateStringsArray, ...params: Array<string | number>): string {
  let out = strings[0] ?? '';
  params.forEach((param, index) => {
    const value = String(param);
    if (value === '' || value === '.' || value === '..') {
      throw new TypeError(`refusing path parameter ${JSON.stringify(value)}`);
    }
    out += encodeURIComponent(value) + (strings[index + 1] ?? '');
  });
  return out;
}
