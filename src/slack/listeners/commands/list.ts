/**
 * `/case list <vendor> contract|user <id,…> [open|closed] [from YYYY-MM-DD] [to YYYY-MM-DD]`: a paged list,
 * only for the caller.
 */
import * as z from 'zod';
import type { VendorId } from '../../../domain/case.js';
import type { ListQuery } from '../../../domain/ports/vendor.js';
import { ALL_PLUGINS } from '../../../vendors/plugin.js';
import { buildListPage } from '../../blocks/case-list.js';
import { echo, usageError, vendorArg } from './grammar.js';
import { defineSubcommand } from './types.js';

/** The vendors whose plugins can list cases, named in the usage and the example. */
const LISTERS = ALL_PLUGINS.filter((plugin) => plugin.capabilities.has('list'));
const LISTER_IDS = LISTERS.map((plugin) => plugin.id).join('|') || '<vendor>';
const usage = `/case list ${LISTER_IDS} contract|user <id,…> [open|closed] [from YYYY-MM-DD] [to YYYY-MM-DD]`;
const KEYWORDS = new Set(['open', 'closed', 'from', 'to']);
const MAX_IDS = 10;
const ListId = z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/);
const CalendarDate = z.iso.date();

function date(word: string | undefined, which: 'from' | 'to'): string {
  if (word === undefined) throw usageError(`Add a date after "${which}", like 2026-01-31.`, usage);
  if (!CalendarDate.safeParse(word).success) {
    throw usageError(`${echo(word)} is not a date: write it as YYYY-MM-DD, like 2026-01-31.`, usage);
  }
  return word;
}

export const listSubcommand = defineSubcommand<{ vendor: VendorId; query: ListQuery }>({
  name: 'list',
  aliases: ['ls', 'search'],
  usage,
  summary: `List ${LISTERS.map((plugin) => plugin.name).join(' or ') || 'vendor'} cases by contract or by user, optionally open or closed and within dates.`,
  examples: LISTERS.slice(0, 1).map(
    (plugin) => `/case list ${plugin.id} contract 123456789,987654321 open from 2026-01-01 to 2026-03-31`,
  ),
  parse: (words) => {
    const vendor = vendorArg(words, 0, usage);
    const by = words.at(1)?.toLowerCase();
    if (by !== 'contract' && by !== 'user') {
      throw usageError(
        by === undefined
          ? 'List by what? Add "contract" or "user" and the ids.'
          : `${echo(words.at(1) ?? '')} is not "contract" or "user".`,
        usage,
      );
    }
    let i = 2;
    const ids: string[] = [];
    while (i < words.length && !KEYWORDS.has((words.at(i) ?? '').toLowerCase())) {
      ids.push(...(words.at(i) ?? '').split(',').filter(Boolean));
      i += 1;
    }
    if (ids.length === 0) throw usageError(`Which ${by} ids? Separate several with commas.`, usage);
    if (ids.length > MAX_IDS)
      throw usageError(`At most ${MAX_IDS} ${by} ids at once (you gave ${ids.length}).`, usage);
    const bad = ids.find((id) => !ListId.safeParse(id).success);
    if (bad !== undefined) throw usageError(`${echo(bad)} is not a ${by} id.`, usage);
    const query: ListQuery = { by, ids: [...new Set(ids)] };
    while (i < words.length) {
      const word = (words.at(i) ?? '').toLowerCase();
      if (word === 'open' || word === 'closed') {
        if (query.status) throw usageError('Say "open" or "closed" once.', usage);
        query.status = word;
        i += 1;
      } else if (word === 'from' || word === 'to') {
        if (query[word]) throw usageError(`Give "${word}" once.`, usage);
        query[word] = date(words.at(i + 1), word);
        i += 2;
      } else {
        throw usageError(`I don't know what to do with ${echo(words.at(i) ?? '')}.`, usage);
      }
    }
    if (query.from && query.to && query.from > query.to) {
      throw usageError(`"from" ${query.from} is after "to" ${query.to}.`, usage);
    }
    return { vendor, query };
  },
  run: async (deps, invocation, args) => {
    const result = await deps.cases.list(
      { userId: invocation.userId, channelId: invocation.channelId, teamId: invocation.teamId },
      args.vendor,
      args.query,
    );
    await invocation.reply(buildListPage(args.vendor, args.query, result.cases, 1));
  },
});
