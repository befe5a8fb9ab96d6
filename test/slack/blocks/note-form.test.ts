/** The note form's visibility choice, worded as Equinix's Case Management API 2.0.0 words it. */
import { describe, expect, it } from 'vitest';
import { noteModal } from '../../../src/slack/blocks/modals.js';
import { blockText } from '../../support/slack-harness.js';

describe('note visibility', () => {
  it('says an internal note is kept from the customer (us), not kept to us', () => {
    const view = noteModal({
      metadata: { kind: 'note', vendor: 'equinix', id: '11150929', attempt: 0 },
      withVisibility: true,
    });
    const text = blockText(view.blocks);
    expect(text).toContain('Internal notes are not visible to the customer (us)');
    expect(text).toContain('Us and Equinix (external)');
    expect(text).toContain('Equinix staff only, not us (internal)');
    expect(text).not.toContain('Only us');
    // External stays the default, as the document's default.
    expect(JSON.stringify(view.blocks)).toMatch(
      /"initial_option":\{[^}]*"text":"Us and Equinix \(external\)"/,
    );
  });
});
