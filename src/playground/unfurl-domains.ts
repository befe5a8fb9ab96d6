/**
 * Link unfurling in the playground, as the app's manifests set it up in Slack: link_shared goes to the app
 * only for links of the manifests' unfurl domains (a registered domain covers its subdomains). So that a
 * pasted portal link has something to unfurl without any configuration, each vendor whose portal page is not
 * configured gets one under the first unfurl domain.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import * as z from 'zod';
import { ALL_PLUGINS } from '../vendors/plugin.js';

/** The app's manifests, at the package root (found from src/ and dist/ alike). */
export const MANIFESTS_DIR = fileURLToPath(new URL('../../manifests/', import.meta.url));
const MANIFEST_FILES = ['caseops.http.yaml', 'caseops.socket.yaml'];

const Manifest = z.object({
  features: z.object({ unfurl_domains: z.array(z.string().min(1)).max(5).optional() }),
});

/** Every unfurl domain either manifest lists, lower-cased. */
export function manifestUnfurlDomains(dir: string = MANIFESTS_DIR): string[] {
  const domains = new Set<string>();
  for (const name of MANIFEST_FILES) {
    const path = join(dir, name);
    const parsed = Manifest.safeParse(parse(readFileSync(path, 'utf8')));
    if (!parsed.success)
      throw new Error(`${path}: features.unfurl_domains must be a list of at most 5 host names`);
    for (const domain of parsed.data.features.unfurl_domains ?? []) domains.add(domain.toLowerCase());
  }
  return [...domains];
}

/**
 * The registered domain Slack would send link_shared for with `url` (its host is that domain or under it), as
 * the event's `links[].domain` names it; undefined when none covers it.
 */
export function unfurlDomainOf(url: string, domains: readonly string[]): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  return domains.find((domain) => host === domain || host.endsWith(`.${domain}`));
}

/**
 * Portal page templates for the vendors that have none built in, under the first unfurl domain
 * (https://portal.example.com/<vendor>/case/{id}), by the variable each plugin reads. Merged under the
 * environment, so a template someone configured wins.
 */
export function playgroundPortalPages(
  domains: readonly string[] = manifestUnfurlDomains(),
): Record<string, string> {
  const domain = domains[0];
  if (!domain) return {};
  return Object.fromEntries(
    ALL_PLUGINS.filter((plugin) => plugin.portal.template === undefined).map((plugin) => [
      plugin.portal.env,
      `https://${domain}/${encodeURIComponent(plugin.id)}/case/{id}`,
    ]),
  );
}
