/** `/case help`: what caseops does, every subcommand with an example, and what each vendor allows here. */

import type { VendorId } from '../../domain/case.js';
import { CAPABILITIES, CAPABILITY_WORDS, type Capability } from '../../domain/ports/vendor.js';
import { pluginFor, VENDOR_IDS, vendorName } from '../../vendors/plugin.js';
import { type Block, context, divider, header, section, sections } from './kit.js';
import { escapeMrkdwn, type SlackMessage } from './limits.js';

export interface HelpEntry {
  usage: string;
  summary: string;
  examples: readonly string[];
}

export interface VendorInfo {
  vendor: VendorId;
  configured: boolean;
  capabilities: ReadonlySet<Capability>;
  idHint?: string;
}

export function vendorAliases(vendor: VendorId): string[] {
  return [...(pluginFor(vendor)?.aliases ?? [])];
}

export function capabilityWords(capabilities: ReadonlySet<Capability>): string {
  return CAPABILITIES.filter((c) => capabilities.has(c))
    .map((c) => CAPABILITY_WORDS[c])
    .join(', ');
}

export function vendorLines(vendors: readonly VendorInfo[]): string {
  return VENDOR_IDS.map((id) => {
    const info = vendors.find((v) => v.vendor === id);
    const names = vendorAliases(id)
      .slice(0, 3)
      .map((a) => `\`${a}\``)
      .join(', ');
    if (!info?.configured) return `• *${vendorName(id)}* (${names}): _not configured here_`;
    const hint = info.idHint ? `\n   Case ids: ${escapeMrkdwn(info.idHint)}` : '';
    return `• *${vendorName(id)}* (${names}): ${capabilityWords(info.capabilities)}${hint}`;
  }).join('\n');
}

/** "A, B and C". */
function inWords(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

export function buildHelp(entries: readonly HelpEntry[], vendors: readonly VendorInfo[]): SlackMessage {
  const blocks: Block[] = [
    header('caseops: vendor cases from Slack'),
    section(
      `Open, look up, annotate, cancel and watch ${inWords(VENDOR_IDS.map(vendorName))} cases without leaving Slack. Vendor names are case-insensitive.`,
    ),
    // Split on line boundaries: with every subcommand the list outgrows one section's 3000 characters.
    ...sections(entries.map((e) => `\`${escapeMrkdwn(e.usage)}\`\n${escapeMrkdwn(e.summary)}`).join('\n')),
  ];
  const examples = entries.flatMap((e) => e.examples);
  if (examples.length > 0) {
    blocks.push(section(`*Examples*\n${examples.map((e) => `\`${escapeMrkdwn(e)}\``).join('\n')}`));
  }
  blocks.push(
    divider(),
    section(`*Vendors in this workspace*\n${vendorLines(vendors)}`),
    context('Whether each vendor is answering right now, and its rate budget: `/case vendors`.'),
  );
  blocks.push(context('You can also open a case from any message: its ⋮ menu → *Open vendor case*.'));
  const names = entries.map((e) => e.usage.split(/\s+/)[1]).filter(Boolean);
  return { text: `caseops help: /case ${names.join(', ')}`, blocks };
}
