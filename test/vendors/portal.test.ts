/** <VENDOR>_CASE_URL: every case the vendor's adapter returns links to its portal page. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from '../../src/config/env.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createVendorRegistry } from '../../src/vendors/index.js';
import type { VendorRegistry } from '../../src/vendors/registry.js';
import { type Sandbox, startSandbox } from '../../src/vendors/sandbox.js';

describe('portal links', () => {
  let sandbox: Sandbox;
  let vendors: VendorRegistry;

  beforeAll(async () => {
    sandbox = await startSandbox({ autoAdvanceMs: 0 });
    vendors = createVendorRegistry(
      loadEnv({
        ...sandbox.env,
        VENDOR_TIMEOUT_MS: '2000',
        EQUINIX_CASE_URL: 'https://portal.example.com/cases/{id}?from=caseops',
      }),
      { logger: silentLogger },
    );
  });
  afterAll(async () => {
    await vendors?.close();
    await sandbox?.stop();
  });

  it('puts the case id into the configured template', async () => {
    const [seeded] = sandbox.simulators.equinix.cases();
    const found = await vendors.require('equinix').lookup(seeded!.id);
    expect(found.url).toBe(`https://portal.example.com/cases/${seeded!.id}?from=caseops`);
    const [refreshed] = await vendors.require('equinix').refresh([seeded!.id]);
    expect(refreshed).toMatchObject({ ok: true, case: { url: found.url } });
  });

  it('links nothing for a vendor without a template', async () => {
    const [seeded] = sandbox.simulators.motadata.cases();
    expect((await vendors.require('motadata').lookup(seeded!.id)).url).toBeUndefined();
  });

  it('refuses a template without {id}, naming the variable', () => {
    const load = () => loadEnv({ CISCO_CASE_URL: 'https://mycase.example.com/case' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/CISCO_CASE_URL: expected \{id\} where the case id goes/);
  });
});
