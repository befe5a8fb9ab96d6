/**
 * A field of the open-a-case form that others depend on changed (a plugin's `shownWhen`): the form is drawn
 * again with the fields the new value shows, values kept. Nothing is sent to the vendor; when the change
 * shows and hides nothing, Slack is not asked at all.
 */
import { buildOpenModal, openFormFields, shownFields } from '../../blocks/open-form.js';
import { readFormValues } from '../../blocks/open-form-reader.js';
import type { SlackDeps } from '../../deps.js';
import { readOpenMetadata } from '../../payloads.js';
import type { ButtonArgs } from './context.js';

export function redrawOpenForm(deps: SlackDeps) {
  return async ({ ack, body }: ButtonArgs): Promise<void> => {
    await ack();
    const view = body.view;
    if (!view?.id) return;
    try {
      const metadata = readOpenMetadata(view.private_metadata);
      const values = readFormValues(metadata.vendor, view.state?.values);
      const fieldKeys = new Set(openFormFields(metadata.vendor).map((spec) => spec.key));
      const drawn = (view.blocks ?? []).flatMap((block) =>
        block.block_id && fieldKeys.has(block.block_id) ? [block.block_id] : [],
      );
      const wanted = shownFields(metadata.vendor, values).map((spec) => spec.key);
      if (drawn.join('\n') === wanted.join('\n')) return;
      await deps.slack.updateView(view.id, buildOpenModal({ vendor: metadata.vendor, values, metadata }));
    } catch (error) {
      // The form stays as it was: it can still be submitted, and the submit checks every field it shows.
      deps.logger.warn({ err: error }, 'open form: redrawing for a changed field failed');
    }
  };
}
