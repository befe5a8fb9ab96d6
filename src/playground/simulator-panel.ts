/**
 * The simulators panel: the vendor simulators' cases as the page lists them, moving a case to its next
 * status by hand (then polling, so watchers hear of it at once), making the vendor add a note, change the
 * owner or the severity where its plugin gives the simulator those hooks, moving every open case by itself
 * on a timer when the person turns that on (off by default: nothing changes behind their back), aging a
 * case (its clock moved forward, so a nudge or App Home's queue shows without waiting), and "Post digest
 * now".
 */
import { type CaseState, TERMINAL_STATES, type VendorId } from '../domain/case.js';
import { CASE_COMMAND } from '../slack/listeners/commands/index.js';
import { pluginFor, vendorName } from '../vendors/plugin.js';
import type { SimulatorPlugin } from '../vendors/plugin-types.js';
import type { Sandbox } from '../vendors/sandbox.js';
import type { SimulatedCaseSummary, VendorSimulator } from '../vendors/simulator.js';
import { PlaygroundInputError } from './workspace-core.js';

/** How often the automatic advance moves each open case, unless the playground is told otherwise. */
export const AUTO_ADVANCE_EVERY_MS = 60_000;

export interface PlaygroundHooks {
  /** Runs one poll (so an advanced status shows up at once). */
  pollNow(): Promise<void>;
  /**
   * Moves everything caseops recorded about the case `byMs` into the past, then runs what follows a poll
   * (nudges); false when caseops has not seen the case.
   */
  ageCase?(vendor: VendorId, caseId: string, byMs: number): Promise<boolean>;
}

/** The steps a case's clock can be moved forward by, as the page offers them. */
export const AGE_STEPS = [
  { label: '+1 h', by: '1h' },
  { label: '+1 d', by: '1d' },
] as const;

const AGE_UNITS_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** The furthest one step may move a clock. */
const AGE_MAX_MS = 30 * AGE_UNITS_MS.d;

/** `30m`, `2h`, `1d` (a leading `+` allowed) in ms; undefined for anything else or beyond 30 days. */
export function ageStepMs(text: string): number | undefined {
  const match = /^\+?(\d{1,4})([mhd])$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * AGE_UNITS_MS[match[2] as keyof typeof AGE_UNITS_MS];
  return ms > 0 && ms <= AGE_MAX_MS ? ms : undefined;
}

export interface PanelCase extends SimulatedCaseSummary {
  /** What the case's id fills the composer with. */
  fill: string;
  /** Why Advance is off for this case, in words; absent when it can move on. */
  cannotAdvance?: string;
}

/** What the panel can make this vendor do to its cases (from its plugin), for the page to offer. */
export interface PanelVendorActs {
  note: boolean;
  owner: boolean;
  severities: ReadonlyArray<{ value: string; label: string }>;
}

/** One thing the vendor is made to do: a note's text, the new owner's name, or the new severity's value. */
export interface VendorAct {
  kind: 'note' | 'owner' | 'severity';
  value: string;
}

export interface PanelState {
  vendors: Array<{
    vendor: VendorId;
    name: string;
    statuses: readonly string[];
    cases: PanelCase[];
    /** Absent when this vendor's simulator cannot be made to act. */
    acts?: PanelVendorActs;
  }>;
  autoAdvance: { on: boolean; everySeconds: number; description: string };
  /** How far "age" can move a case's clock, and what it does. */
  age: { steps: ReadonlyArray<{ label: string; by: string }>; description: string };
}

/** The vendor's own note on a simulated case (one that is not a case yet, or cannot move), if any. */
function sandboxNote(simulatorPlugin: SimulatorPlugin | undefined, c: SimulatedCaseSummary) {
  return simulatorPlugin?.describeSandboxCase?.(c);
}

/** Why `advance` without a status would not move this case, or undefined when it would. */
export function whyNotAdvance(
  vendor: VendorId,
  simulatorPlugin: SimulatorPlugin | undefined,
  c: SimulatedCaseSummary,
): string | undefined {
  const note = sandboxNote(simulatorPlugin, c);
  if (note?.opensNewCase) return `${note.cannotAdvance} with ${CASE_COMMAND} open ${vendor}.`;
  if (note) return note.cannotAdvance;
  const statuses = pluginFor(vendor)?.statuses as Readonly<Record<string, CaseState>> | undefined;
  const state = statuses?.[c.status];
  if (state && TERMINAL_STATES.has(state)) {
    return `This case is ${state} (${c.status}): it does not move on any more.`;
  }
  return undefined;
}

function actsOf(simulatorPlugin: SimulatorPlugin | undefined): { acts?: PanelVendorActs } {
  const hooks = simulatorPlugin?.vendorActs;
  if (!hooks) return {};
  return {
    acts: {
      note: hooks.note !== undefined,
      owner: hooks.owner !== undefined,
      severities: hooks.severity?.choices ?? [],
    },
  };
}

function describeEvery(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds === 60) return 'once a minute';
  if (seconds % 60 === 0) return `every ${seconds / 60} minutes`;
  return `every ${seconds} seconds`;
}

export class SimulatorPanel {
  private hooks: PlaygroundHooks | undefined;
  /** Polls started by an advance and not finished: a digest asked for meanwhile waits for them. */
  private readonly polls = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly changed: () => void,
    private readonly autoAdvanceEveryMs = AUTO_ADVANCE_EVERY_MS,
  ) {}

  attach(hooks: PlaygroundHooks): void {
    this.hooks = hooks;
  }

  private simulators(): Array<[VendorId, VendorSimulator]> {
    return Object.entries(this.sandbox.simulators) as Array<[VendorId, VendorSimulator]>;
  }

  /** The vendor's simulator part the sandbox loaded: its notes on cases and what its people can be made to do. */
  private simulatorPlugin(vendor: VendorId): SimulatorPlugin | undefined {
    return this.sandbox.simulatorPlugins.get(vendor);
  }

  state(): PanelState {
    return {
      vendors: this.simulators().map(([vendor, simulator]) => {
        const simulatorPlugin = this.simulatorPlugin(vendor);
        return {
          vendor,
          name: vendorName(vendor),
          statuses: simulator.statuses,
          cases: simulator.cases().map((c) => {
            const reason = whyNotAdvance(vendor, simulatorPlugin, c);
            const notACase = sandboxNote(simulatorPlugin, c)?.opensNewCase === true;
            return {
              ...c,
              fill: notACase ? `${CASE_COMMAND} open ${vendor}` : `${CASE_COMMAND} show ${vendor} ${c.id}`,
              ...(reason ? { cannotAdvance: reason } : {}),
            };
          }),
          ...actsOf(simulatorPlugin),
        };
      }),
      autoAdvance: {
        on: this.timer !== undefined,
        everySeconds: Math.round(this.autoAdvanceEveryMs / 1000),
        description: `When on, every case that can still move goes to its next status ${describeEvery(this.autoAdvanceEveryMs)}, and caseops polls at once: cards update and the changes go into the next digest. When off, a case moves only when you press Advance.`,
      },
      age: {
        steps: AGE_STEPS,
        description:
          'Age a case to see its clock run without waiting: everything caseops recorded about it moves back by that much, then nudges due by then are posted. Open App Home again to see the queue.',
      },
    };
  }

  private simulator(vendor: string): [VendorId, VendorSimulator] {
    const found = this.simulators().find(([id]) => id === vendor);
    if (!found) throw new PlaygroundInputError(`no ${vendor} simulator`);
    return found;
  }

  /** Moves a sandbox case to its next (or the given) status, then polls so watchers hear of it at once. */
  async advance(vendor: string, id: string, status?: string): Promise<SimulatedCaseSummary> {
    const [vendorId, simulator] = this.simulator(vendor);
    const current = simulator.cases().find((c) => c.id === id);
    if (!current) throw new PlaygroundInputError(`no ${vendor} case ${id} in the simulator`);
    if (status !== undefined && !simulator.statuses.includes(status)) {
      throw new PlaygroundInputError(`${status} is not a ${vendor} status`);
    }
    const reason =
      status === undefined ? whyNotAdvance(vendorId, this.simulatorPlugin(vendorId), current) : undefined;
    if (reason) throw new PlaygroundInputError(reason);
    let moved: SimulatedCaseSummary;
    try {
      moved = simulator.advance(id, status);
    } catch (error) {
      // The simulator's own refusal (a status it cannot reach from here) is the person's to read.
      throw new PlaygroundInputError(error instanceof Error ? error.message : String(error));
    }
    this.changed();
    await this.poll();
    return moved;
  }

  /**
   * Makes the vendor act on a case as its support engineers would (a note, a new owner, a new severity),
   * then polls so watched cards and the next digest show it at once.
   */
  async act(vendor: string, id: string, act: VendorAct): Promise<SimulatedCaseSummary> {
    const [vendorId, simulator] = this.simulator(vendor);
    const current = simulator.cases().find((c) => c.id === id);
    if (!current) throw new PlaygroundInputError(`no ${vendor} case ${id} in the simulator`);
    const hooks = this.simulatorPlugin(vendorId)?.vendorActs;
    const value = act.value.trim();
    if (!value) throw new PlaygroundInputError(`Say what the ${act.kind} should be.`);
    const name = vendorName(vendorId);
    try {
      if (act.kind === 'note' && hooks?.note) hooks.note(simulator, id, value);
      else if (act.kind === 'owner' && hooks?.owner) hooks.owner(simulator, id, value);
      else if (act.kind === 'severity' && hooks?.severity) {
        if (!hooks.severity.choices.some((choice) => choice.value === value)) {
          throw new PlaygroundInputError(`${value} is not a ${name} severity`);
        }
        hooks.severity.set(simulator, id, value);
      } else throw new PlaygroundInputError(`The ${name} simulator cannot change a case's ${act.kind}.`);
    } catch (error) {
      if (error instanceof PlaygroundInputError) throw error;
      throw new PlaygroundInputError(error instanceof Error ? error.message : String(error));
    }
    this.changed();
    await this.poll();
    return simulator.cases().find((c) => c.id === id) ?? current;
  }

  /** Moves a case's clock forward by `by` (`1h`, `1d`, …): caseops' record of it, not the vendor's case. */
  async age(vendor: string, id: string, by: string): Promise<{ aged: string }> {
    const [vendorId, simulator] = this.simulator(vendor);
    if (!simulator.cases().some((c) => c.id === id)) {
      throw new PlaygroundInputError(`no ${vendor} case ${id} in the simulator`);
    }
    const byMs = ageStepMs(by);
    if (byMs === undefined) throw new PlaygroundInputError(`${by} is not a step to age by (try 1h or 1d)`);
    const ageCase = this.hooks?.ageCase;
    if (!ageCase) throw new PlaygroundInputError('the app is not running yet');
    await this.settled();
    if (!(await ageCase(vendorId, id, byMs))) {
      throw new PlaygroundInputError(
        `caseops has not seen ${vendor} case ${id} yet: watch it (${CASE_COMMAND} watch ${vendor} ${id}) first`,
      );
    }
    this.changed();
    return { aged: by.replace(/^\+/, '') };
  }

  private async poll(): Promise<void> {
    const poll = this.hooks?.pollNow();
    if (!poll) return;
    this.polls.add(poll);
    try {
      await poll;
    } finally {
      this.polls.delete(poll);
    }
  }

  /** Turns the automatic advance on or off. */
  setAutoAdvance(on: boolean): void {
    if (on && !this.timer) {
      this.timer = setInterval(() => void this.tick(), this.autoAdvanceEveryMs);
      this.timer.unref();
    } else if (!on && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    this.changed();
  }

  /** One automatic step: every case that can move moves once, then one poll for all of them. */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      let movedAny = false;
      for (const [vendor, simulator] of this.simulators()) {
        const simulatorPlugin = this.simulatorPlugin(vendor);
        for (const c of simulator.cases()) {
          if (whyNotAdvance(vendor, simulatorPlugin, c)) continue;
          try {
            simulator.advance(c.id);
            movedAny = true;
          } catch {
            // A status the simulator cannot move on from (a custom one): it stays, the others move.
          }
        }
      }
      if (!movedAny) return;
      this.changed();
      await this.poll();
    } catch {
      // A poll that failed is retried by the next tick and the scheduler's own polls; nothing to show.
    } finally {
      this.ticking = false;
    }
  }

  /** Waits for the polls of cases just advanced (a person clicks faster than a poll runs). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.polls]);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
