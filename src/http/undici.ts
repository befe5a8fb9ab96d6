/**
 * undici's `request`, loaded on first use: the package is the largest caseops bundles, and nothing before
 * the app is serving calls a vendor or answers a command. The first call pays the load (tens of
 * milliseconds, well inside any vendor or response_url timeout); every later call gets the same module.
 */
type Undici = typeof import('undici');

let loading: Promise<Undici> | undefined;

export async function undiciRequest(...args: Parameters<Undici['request']>): ReturnType<Undici['request']> {
  loading ??= import('undici');
  const { request } = await loading;
  return request(...args);
}
