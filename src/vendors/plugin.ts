/**
 * The vendor plugins caseops ships. A vendor is one folder (`src/vendors/<vendor>/`) whose index.ts exports one
 * manifest (see plugin-types.ts); adding a vendor is that folder and one line in PLUGINS. Everything else —
 * configuration, the registry, the command grammar, help, cards, forms, the sandbox — reads from this list.
 */
import type { z } from 'zod';
import type { VendorId } from '../domain/case.js';
import type { Severity } from '../domain/policy.js';
import { cisco } from './cisco/index.js';
import { equinix } from './equinix/index.js';
import { juniper } from './juniper/index.js';
import { motadata } from './motadata/index.js';
import type { VendorPlugin } from './plugin-types.js';

export type { FormValues, OpenForm, OpenFormField, VendorPlugin } from './plugin-types.js';

/** In display order: lists, help and digests read the same everywhere. */
export const PLUGINS = [equinix, cisco, juniper, motadata] as const;

type Plugins = typeof PLUGINS;
/** The ids of the vendors caseops ships (VendorId itself stays an open string in the domain). */
export type KnownVendorId = Plugins[number]['id'];

type Intersection<U> = (U extends unknown ? (value: U) => void : never) extends (value: infer I) => void
  ? I
  : never;
/** Every plugin's own environment variables, as one type. */
export type PluginEnv = Intersection<z.infer<Plugins[number]['config']['schema']>>;

/**
 * The same list with each plugin's own types forgotten, for code that treats every vendor alike. (A plugin's
 * config schema is invariant in its variables, so the typed tuple does not widen by itself.)
 */
export const ALL_PLUGINS: readonly VendorPlugin[] = PLUGINS as unknown as readonly VendorPlugin[];

export const VENDOR_IDS: readonly KnownVendorId[] = PLUGINS.map((plugin) => plugin.id);

const BY_ID = new Map<VendorId, VendorPlugin>(ALL_PLUGINS.map((plugin) => [plugin.id, plugin]));
const BY_ALIAS = new Map<string, VendorPlugin>(
  ALL_PLUGINS.flatMap((plugin) => plugin.aliases.map((alias) => [alias, plugin] as const)),
);

export function pluginFor(vendor: VendorId): VendorPlugin | undefined {
  return BY_ID.get(vendor);
}

/** The vendor a person meant by `text` (an id or an alias, any case), if any. */
export function resolveVendorName(text: string): VendorId | undefined {
  return BY_ALIAS.get(text.trim().toLowerCase())?.id;
}

/** Every alias with its vendor, in plugin order (help, "did you mean"). */
export function vendorAliases(): ReadonlyArray<{ alias: string; vendor: VendorId }> {
  return ALL_PLUGINS.flatMap((plugin) => plugin.aliases.map((alias) => ({ alias, vendor: plugin.id })));
}

/** "Motadata ServiceOps"; an id no plugin knows is shown as it is. */
export function vendorName(vendor: VendorId): string {
  return BY_ID.get(vendor)?.name ?? vendor;
}

/** "ServiceOps", for buttons and titles. */
export function vendorShortName(vendor: VendorId): string {
  return BY_ID.get(vendor)?.shortName ?? vendor;
}

/** "priority 1 - Critical" where the vendor has severity words of its own, otherwise "severity 1". */
export function vendorSeverityLabel(vendor: VendorId, severity: Severity): string {
  const word = BY_ID.get(vendor)?.severityWords?.[severity - 1];
  return word ? `priority ${word}` : `severity ${severity}`;
}
