/**
 * The playground's Slack, seen from the person at the page: it turns what they do (type a command, press a
 * button, submit a form, open App Home, use the simulators panel) into the signed requests Slack would send
 * the app, and turns what the app did into what the page shows. Each job lives in its own module; this is
 * the one object the page's routes and the tests talk to.
 */
import type { Logger } from '../logging/logger.js';
import { CASE_COMMAND } from '../slack/listeners/commands/index.js';
import type { Sandbox } from '../vendors/sandbox.js';
import type { SimulatedCaseSummary } from '../vendors/simulator.js';
import type { AppRequests } from './app-requests.js';
import { runCommand, sendMessage } from './commands.js';
import type { FakeSlackApi } from './fake-slack-api.js';
import {
  closeView,
  dismiss,
  openHome,
  type Press,
  press,
  runShortcut,
  type SubmitResult,
  submit,
} from './interactions.js';
import { type PlaygroundState, shownState } from './shown-state.js';
import { type PlaygroundHooks, SimulatorPanel, type VendorAct } from './simulator-panel.js';
import { encodeTyped, type RawFormValues } from './slack-payloads.js';
import { WorkspaceCore } from './workspace-core.js';

export { PLAYGROUND_SHORTCUTS, type Press, type SubmitResult, type Surface } from './interactions.js';
export type { PlaygroundState, ShownMessage, ShownView } from './shown-state.js';
export type { PlaygroundHooks } from './simulator-panel.js';
export { PlaygroundInputError, SLACKBOT_ID } from './workspace-core.js';

export interface PlaygroundWorkspaceOptions {
  fake: FakeSlackApi;
  requests: AppRequests;
  sandbox: Sandbox;
  logger: Logger;
  /** How often the simulators panel's automatic advance moves the cases (default: once a minute). */
  autoAdvanceEveryMs?: number;
  /** Links of these domains (and their subdomains) are sent to the app as link_shared. */
  unfurlDomains: readonly string[];
}

export class PlaygroundWorkspace {
  private readonly core: WorkspaceCore;
  private readonly panel: SimulatorPanel;

  constructor(options: PlaygroundWorkspaceOptions) {
    this.core = new WorkspaceCore(options.fake, options.requests, options.logger, options.unfurlDomains);
    this.panel = new SimulatorPanel(options.sandbox, () => this.core.changed(), options.autoAdvanceEveryMs);
  }

  attach(eventsUrl: string, hooks: PlaygroundHooks): void {
    this.core.requests.setEventsUrl(eventsUrl);
    this.panel.attach(hooks);
    this.core.changed();
  }

  /** Called on every change the page should see. */
  onChange(listener: () => void): () => void {
    return this.core.onChange(listener);
  }

  /** Grows with every change the page should see. */
  get currentVersion(): number {
    return this.core.currentVersion;
  }

  get dmChannel(): string {
    return this.core.dmChannel;
  }

  state(): PlaygroundState {
    return shownState(this.core, [CASE_COMMAND], this.panel.state());
  }

  /** A message the person posts in `channel`, or in the thread of `threadTs` there. */
  sendMessage(channel: string, text: string, threadTs?: string): Promise<{ ts: string }> {
    return sendMessage(this.core, channel, text, threadTs);
  }

  runCommand(channel: string, typed: string): Promise<void> {
    return runCommand(this.core, channel, typed);
  }

  press(pressed: Press): Promise<void> {
    return press(this.core, pressed);
  }

  submit(viewId: string, values: RawFormValues): Promise<SubmitResult> {
    return submit(this.core, viewId, values);
  }

  closeView(viewId: string, all: boolean): Promise<void> {
    return closeView(this.core, viewId, all);
  }

  runShortcut(channel: string, ts: string, callbackId: string): Promise<void> {
    return runShortcut(this.core, channel, ts, callbackId);
  }

  openHome(): Promise<void> {
    return openHome(this.core);
  }

  dismiss(channel: string, ts: string): void {
    dismiss(this.core, channel, ts);
  }

  advance(vendor: string, id: string, status?: string): Promise<SimulatedCaseSummary> {
    return this.panel.advance(vendor, id, status);
  }

  /** Makes the vendor act on a simulated case (a note, an owner, a severity), then polls. */
  vendorAct(vendor: string, id: string, act: VendorAct): Promise<SimulatedCaseSummary> {
    return this.panel.act(vendor, id, act);
  }

  age(vendor: string, id: string, by: string): Promise<{ aged: string }> {
    return this.panel.age(vendor, id, by);
  }

  setAutoAdvance(on: boolean): void {
    this.panel.setAutoAdvance(on);
  }

  /**
   * The simulators panel's "Post digest now": the real `/case digest now`, typed in `channel`, once the
   * polls of cases just advanced have recorded their changes.
   */
  async digestNow(channel: string): Promise<void> {
    await this.panel.settled();
    await this.runCommand(channel, `${CASE_COMMAND} digest now`);
  }

  /** Seeds a message from someone in the workspace (in the thread of `threadTs` when given); returns its ts. */
  seedMessage(channel: string, user: string, text: string, threadTs?: string): string {
    return this.core.fake.addMessage({
      channel,
      user,
      text: encodeTyped(text),
      ...(threadTs === undefined ? {} : { threadTs }),
    });
  }

  /** Stops the automatic advance (shutdown). */
  stop(): void {
    this.panel.stop();
  }
}
