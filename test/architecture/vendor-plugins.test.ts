/**
 * A vendor is a plugin: one folder, one manifest, one line in the plugin list. Checked on the source (no file
 * outside a vendor's folder compares against or branches on its id) and on the manifests themselves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '../../src/config/env.js';
import { CAPABILITIES } from '../../src/domain/ports/vendor.js';
import { silentLogger } from '../../src/logging/logger.js';
import { ALL_PLUGINS, VENDOR_IDS } from '../../src/vendors/plugin.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `x === 'cisco'`, `'cisco' !== x`, `case 'cisco':` — code that decides by a vendor's name. */
function vendorBranches(text: string, vendor: string): string[] {
  const id = `['"\`]${vendor}['"\`]`;
  const pattern = new RegExp(`(?:[!=]==?\\s*${id})|(?:${id}\\s*[!=]==?)|(?:\\bcase\\s+${id}\\s*:)`, 'g');
  return [...text.matchAll(pattern)].map((match) => match[0]);
}

describe('vendor plugins', () => {
  it('the branch finder sees the forms it is looking for', () => {
    expect(vendorBranches('if (v === \'acme\') x(); switch (v) { case "acme": }', 'acme')).toHaveLength(2);
    expect(vendorBranches("'acme' !== vendor", 'acme')).toHaveLength(1);
    expect(vendorBranches("const name = 'acme';", 'acme')).toEqual([]);
  });

  it('nothing outside src/vendors/<vendor>/ compares against or branches on a vendor id', () => {
    const insideOwnFolder = (file: string, vendor: string) =>
      !relative(join(src, 'vendors', vendor), file).startsWith('..');
    const found = sourceFiles(src).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return VENDOR_IDS.filter((vendor) => !insideOwnFolder(file, vendor)).flatMap((vendor) =>
        vendorBranches(text, vendor).map((hit) => `${relative(root, file)}: ${hit}`),
      );
    });
    expect(found).toEqual([]);
  });

  it('each vendor folder is named by its plugin, and every folder is in the list', () => {
    const folders = readdirSync(join(src, 'vendors'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'http')
      .map((entry) => entry.name)
      .sort();
    expect(folders).toEqual([...VENDOR_IDS].sort());
  });

  it('aliases are lower case, include the id, and name one vendor each', () => {
    const owners = new Map<string, string[]>();
    for (const plugin of ALL_PLUGINS) {
      expect(plugin.aliases).toContain(plugin.id);
      for (const alias of plugin.aliases) {
        expect(alias).toBe(alias.toLowerCase());
        owners.set(alias, [...(owners.get(alias) ?? []), plugin.id]);
      }
    }
    expect([...owners].filter(([, vendors]) => vendors.length > 1)).toEqual([]);
  });

  for (const plugin of ALL_PLUGINS) {
    describe(plugin.id, () => {
      it('has names, an id hint, and an id rule that refuses what is not an id', () => {
        expect(plugin.name.trim()).not.toBe('');
        expect(plugin.shortName.length).toBeGreaterThan(0);
        // Modal titles are "New <short name> case", within Slack's 24 characters.
        expect(`New ${plugin.shortName} case`.length).toBeLessThanOrEqual(24);
        expect(plugin.caseId.hint.trim().length).toBeGreaterThan(10);
        expect(() => plugin.caseId.parse('not an id; DROP')).toThrow(plugin.caseId.hint);
      });

      it('gives a reason for each capability it lacks, and none for those it has', () => {
        for (const capability of CAPABILITIES) {
          const reason = plugin.unsupported[capability];
          if (plugin.capabilities.has(capability)) expect(reason).toBeUndefined();
          else expect(reason?.trim().length ?? 0).toBeGreaterThan(10);
        }
      });

      it('has an open form exactly when it can open, built on its own schema', () => {
        expect(plugin.openForm !== undefined).toBe(plugin.capabilities.has('open'));
        const form = plugin.openForm;
        if (!form) return;
        const keys = Object.keys(form.schema.shape);
        expect(keys).toContain('vendor');
        for (const field of form.fields) expect(keys).toContain(field.key);
        if (form.severityField) expect(form.fields.map((f) => f.key)).toContain(form.severityField);
      });

      it('reads its own variables, including the portal link, and is off until configured', () => {
        const own = Object.keys(plugin.config.schema.shape);
        expect(own.length).toBeGreaterThan(0);
        for (const name of own) expect(Object.keys(EnvSchema.shape)).toContain(name);
        expect(plugin.portal.env).toBe(`${plugin.id.toUpperCase()}_CASE_URL`);
        expect(own).toContain(plugin.portal.env);
        const unset = { ...plugin.config.schema.parse({}), VENDOR_TIMEOUT_MS: 1000 };
        expect(plugin.fromConfig(unset as never, { logger: silentLogger })).toBeUndefined();
      });

      it('maps its statuses onto case states, and its simulator speaks for it', async () => {
        expect(Object.keys(plugin.statuses).length).toBeGreaterThan(0);
        const simulator = (await plugin.loadSimulator()).create();
        expect(simulator.vendor).toBe(plugin.id);
        for (const status of simulator.statuses) expect(Object.keys(plugin.statuses)).toContain(status);
      });
    });
  }
});
