/** `/case help`: usage with examples, and which vendors are configured with what they allow. */

import { VENDOR_IDS } from '../../../vendors/plugin.js';
import { buildHelp, type VendorInfo } from '../../blocks/help.js';
import type { SlackDeps } from '../../deps.js';
import { noMoreWords } from './grammar.js';
import { defineSubcommand, type Subcommand } from './types.js';

export function vendorInfo(deps: SlackDeps): VendorInfo[] {
  const enabled = deps.cases.enabledVendors();
  return VENDOR_IDS.map((vendor) => {
    const adapter = enabled.find((a) => a.vendor === vendor);
    return {
      vendor,
      configured: Boolean(adapter),
      capabilities: adapter?.capabilities ?? new Set(),
      idHint: adapter?.idHint,
    };
  });
}

/** Built lazily so help always lists the table as it stands, including subcommands added later. */
export function helpSubcommand(table: () => readonly Subcommand[]): Subcommand {
  return defineSubcommand({
    name: 'help',
    usage: '/case help',
    summary: 'This help: every subcommand and what each vendor allows here.',
    parse: (words) => {
      noMoreWords(words, 0, '/case help');
      return {};
    },
    run: async (deps, invocation) => {
      await invocation.reply(buildHelp(table(), vendorInfo(deps)));
    },
  });
}
