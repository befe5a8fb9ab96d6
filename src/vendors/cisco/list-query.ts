/**
 * Listing Cisco cases (Support Case API v3): a list query checked against the API's documented limits and
 * turned into a path and query before anything is sent.
 */
import { InvalidInputError } from '../../domain/errors.js';
import type { ListQuery } from '../../domain/ports/vendor.js';
import { truncateForMessage } from '../base-adapter.js';

/** The API's documented limits, checked before any call so a person learns what to change. */
export const CISCO_LIMITS = {
  caseIdsPerSummary: 30,
  idsPerList: 10,
  maxRangeDays: 90,
  /** Ours, not Cisco's: a listing this long would spend a large part of the daily quota. */
  maxListPages: 100,
} as const;

const LIST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,119}$/;
const DAY_MS = 86_400_000;

export interface CiscoListRequest {
  path: string;
  query: Record<string, string>;
}

/** Checks a list query against Cisco's limits and turns it into a path and query. Throws InvalidInputError. */
export function buildListRequest(query: ListQuery): CiscoListRequest {
  const what = query.by === 'contract' ? 'contract' : query.by === 'user' ? 'user' : undefined;
  if (!what) throw new InvalidInputError('List Cisco cases by "contract" or by "user".', 'by');

  const ids = [...new Set((query.ids ?? []).map((id) => id.trim()).filter((id) => id !== ''))];
  if (ids.length === 0) throw new InvalidInputError(`Give at least one ${what} id.`, 'ids');
  if (ids.length > CISCO_LIMITS.idsPerList) {
    throw new InvalidInputError(
      `Cisco accepts at most ${CISCO_LIMITS.idsPerList} ${what} ids at a time; ${ids.length} were given.`,
      'ids',
    );
  }
  for (const id of ids) {
    if (!LIST_ID_PATTERN.test(id)) {
      throw new InvalidInputError(
        `"${truncateForMessage(id)}" is not a Cisco ${what} id: use letters, digits, dots, dashes, underscores or @.`,
        'ids',
      );
    }
  }

  const params: Record<string, string> = {};
  if (query.status !== undefined) {
    if (query.status !== 'open' && query.status !== 'closed') {
      throw new InvalidInputError('Status must be "open" or "closed".', 'status');
    }
    params.status_flag = query.status === 'open' ? 'O' : 'C';
  }

  if (query.from !== undefined || query.to !== undefined) {
    if (query.from === undefined || query.to === undefined) {
      throw new InvalidInputError(
        'Give both a start and an end date (YYYY-MM-DD), or neither.',
        query.from === undefined ? 'from' : 'to',
      );
    }
    const from = parseCalendarDate(query.from, 'from');
    const to = parseCalendarDate(query.to, 'to');
    if (from > to) {
      throw new InvalidInputError(`The start date ${query.from} is after the end date ${query.to}.`, 'from');
    }
    // Counted inclusively: 1 March to 30 May is 91 days, over Cisco's 90-day limit.
    const days = Math.round((to - from) / DAY_MS) + 1;
    if (days > CISCO_LIMITS.maxRangeDays) {
      throw new InvalidInputError(
        `Cisco searches at most ${CISCO_LIMITS.maxRangeDays} days at a time; ${query.from} to ${query.to} covers ${days} days.`,
        'to',
      );
    }
    params.date_created_from = `${query.from}T00:00:00Z`;
    params.date_created_to = `${query.to}T23:59:59Z`;
  }

  const joined = ids.map((id) => encodeURIComponent(id)).join(',');
  const path =
    what === 'contract'
      ? `/case/v3/cases/contracts/contract_ids/${joined}`
      : `/case/v3/cases/users/user_ids/${joined}`;
  return { path, query: params };
}

/** A real calendar date written YYYY-MM-DD, as epoch milliseconds at UTC midnight. */
function parseCalendarDate(text: string, field: 'from' | 'to'): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const label = field === 'from' ? 'start' : 'end';
  const problem = new InvalidInputError(
    `The ${label} date "${truncateForMessage(text)}" is not a date: use YYYY-MM-DD, e.g. 2024-03-01.`,
    field,
  );
  if (!match) throw problem;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = Date.UTC(year, month - 1, day);
  const check = new Date(at);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw problem;
  }
  return at;
}
