import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { silentLogger } from '../../src/logging/logger.js';
import { SANDBOX_CISCO_CONTRACT } from '../../src/vendors/cisco/plugin-simulator.js';
import { createVendorRegistry } from '../../src/vendors/index.js';
import type { VendorRegistry } from '../../src/vendors/registry.js';
import { type Sandbox, startSandbox } from '../../src/vendors/sandbox.js';

describe('CASEOPS_SANDBOX', () => {
  let sandbox: Sandbox;
  let vendors: VendorRegistry;

  beforeAll(async () => {
    sandbox = await startSandbox({ autoAdvanceMs: 0 });
    vendors = createVendorRegistry(loadEnv({ ...sandbox.env, VENDOR_TIMEOUT_MS: '2000' }), {
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await vendors?.close();
    await sandbox?.stop();
  });

  it('enables all four vendors against their simulators', () => {
    expect(vendors.enabled().map((a) => a.vendor)).toEqual(['equinix', 'cisco', 'juniper', 'motadata']);
    for (const url of Object.values(sandbox.env).filter((v) => v.startsWith('http'))) {
      expect(new URL(url).hostname).toBe('127.0.0.1');
    }
  });

  it('serves seeded cases through the production adapters', async () => {
    const [equinixCase] = sandbox.simulators.equinix.cases();
    const equinix = await vendors.require('equinix').lookup(equinixCase!.id);
    expect(equinix.status).toBe(equinixCase!.status);

    const cisco = await vendors.require('cisco').list({ by: 'contract', ids: [SANDBOX_CISCO_CONTRACT] });
    expect(cisco.total).toBe(6);

    const [motadataCase] = sandbox.simulators.motadata.cases();
    const motadata = await vendors.require('motadata').lookup(motadataCase!.id);
    expect(motadata.title).toBe(motadataCase!.title);
  });

  it('moves a case when a simulator advances it, as the digests will see', async () => {
    const [equinixCase] = sandbox.simulators.equinix.cases();
    const moved = sandbox.simulators.equinix.advance(equinixCase!.id);
    expect(moved.status).not.toBe(equinixCase!.status);
    const seen = await vendors.require('equinix').lookup(equinixCase!.id);
    expect(seen.status).toBe(moved.status);
  });
});
