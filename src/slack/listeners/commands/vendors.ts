/**
 * `/case vendors`: how each configured vendor is doing right now (answering, throttled, failing), what it
 * allows, its last good answer and the rate budget in use; and which vendors are not configured. Only for the
 * caller; it changes nothing and names no case, so the policy does not gate it.
 */

import { vendorStatuses } from '../../../domain/vendor-status.js';
import { vendorName } from '../../../vendors/plugin.js';
import { buildVendorStatus } from '../../blocks/vendors.js';
import { noMoreWords } from './grammar.js';
import { defineSubcommand } from './types.js';

const usage = '/case vendors';

export const vendorsSubcommand = defineSubcommand<Record<string, never>>({
  name: 'vendors',
  aliases: ['vendor', 'status', 'health'],
  usage,
  summary:
    'Each configured vendor: whether it answers (or is throttling caseops, and for how long), what it allows, its last good answer and the rate budget in use.',
  parse: (words) => {
    noMoreWords(words, 0, usage);
    return {};
  },
  run: async (deps, invocation) => {
    const statuses = vendorStatuses(deps.cases.enabledVendors(), deps.now().getTime(), vendorName);
    await invocation.reply(buildVendorStatus(statuses));
  },
});
