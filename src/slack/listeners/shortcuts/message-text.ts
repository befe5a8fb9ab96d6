/**
 * A Slack message as a vendor should read it: plain text (formatting markers removed, mentions as people's
 * names, links as their URLs), and the case it refers to, if any ("EQX 11150929", "cisco 690000001", a link
 * to a vendor portal's case page).
 */
import type { VendorId } from '../../../domain/case.js';
import { pluginFor, vendorAliases } from '../../../vendors/plugin.js';
import { slackTextToPlain } from '../../conversation.js';

const MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

/** Bold, italic, strike and code markers around words; the words stay. */
function withoutFormatting(text: string): string {
  return text
    .replace(/```([\s\S]*?)```/g, '$1')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/(^|[\s(])([*_~])(?=\S)([^\n]*?\S)\2(?=$|[\s).,!?:;])/gm, '$1$3');
}

/** The message's text as plain text, each mentioned person by the name `nameOf` gives (else their id). */
export async function messageAsPlainText(
  text: string,
  nameOf: (userId: string) => Promise<string | undefined>,
): Promise<string> {
  const ids = [...new Set([...text.matchAll(MENTION)].map((m) => m[1] as string))];
  const names = new Map(await Promise.all(ids.map(async (id) => [id, await nameOf(id)] as const)));
  const named = text.replace(MENTION, (whole, id: string) => {
    const name = names.get(id);
    return name ? `<@${id}|${name.replace(/[|>]/g, '')}>` : whole;
  });
  return slackTextToPlain(withoutFormatting(named)).trim();
}

export interface CaseReference {
  vendor: VendorId;
  id: string;
}

/** The links in a message as Slack sends them (`<url>` or `<url|label>`). */
export function linksIn(text: string): string[] {
  return [...text.matchAll(/<(https?:\/\/[^|>\s]+)(?:\|[^>]*)?>/g)].map((m) => m[1] as string);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The first case the text names: a portal link `fromLink` recognises, else a vendor alias followed by an id
 * that vendor's id rules accept.
 */
export function findCaseReference(
  text: string,
  fromLink: (url: string) => CaseReference | undefined,
): CaseReference | undefined {
  for (const url of linksIn(text)) {
    const found = fromLink(url);
    if (found) return found;
  }
  const plain = slackTextToPlain(text);
  let best: (CaseReference & { at: number }) | undefined;
  for (const { alias, vendor } of vendorAliases()) {
    const pattern = new RegExp(
      `(?<![\\w-])${escapeRegExp(alias)}[\\s#:]*(?:case\\s*)?([A-Za-z0-9-]{3,40})`,
      'gi',
    );
    for (const match of plain.matchAll(pattern)) {
      const at = match.index ?? 0;
      if (best && best.at <= at) break;
      try {
        const id = pluginFor(vendor)?.caseId.parse(match[1] as string);
        if (id !== undefined) best = { vendor, id, at };
        break;
      } catch {
        // Not an id of this vendor: look further along.
      }
    }
  }
  return best ? { vendor: best.vendor, id: best.id } : undefined;
}
