/**
 * The manifest every vendor plugin exports from its folder's index.ts: everything the rest of caseops may know
 * about a vendor. Nothing outside `src/vendors/<vendor>/` names a vendor; it reads these fields instead.
 * (The list of plugins is in plugin.ts; this file holds only types so the plugins can import it.)
 */
import type { z } from 'zod';
import type { CaseState, VendorId } from '../domain/case.js';
import type { OpenRequest } from '../domain/open-request.js';
import type { Severity } from '../domain/policy.js';
import type { Capability, VendorAdapter } from '../domain/ports/vendor.js';
import type { VendorDeps } from './deps.js';
import type { SimulatedCaseSummary, VendorSimulator } from './simulator.js';

export interface SimulatorOptions {
  /** Seeded cases move to their next status this often (undefined: only when advanced by hand). */
  autoAdvanceMs?: number;
  /** Added latency per simulated call, in ms. */
  latencyMs?: number;
}

/** What every vendor's configuration gets besides its own variables. */
export interface SharedVendorEnv {
  VENDOR_TIMEOUT_MS: number;
}

/** A vendor's environment variables: a zod object schema, and the cross-field rules zod cannot say per key. */
export interface VendorConfig<Shape extends z.ZodRawShape> {
  schema: z.ZodObject<Shape>;
  /** Problems worded "VARIABLE: what is wrong", as ConfigError lists them. */
  check?(env: z.infer<z.ZodObject<Shape>>): string[];
}

/** How one field of a vendor's "open a case" form is shown; its rules (optional, lengths, choices) come from the schema. */
export interface OpenFormField {
  /** The request field, and the form block's id. */
  key: string;
  label: string;
  /** `users`: Slack people, resolved to name and e-mail after the ack (Equinix notification contacts). */
  kind: 'text' | 'multiline' | 'email' | 'select' | 'users' | 'datetime' | 'list';
  placeholder?: string;
  hint?: string;
  /** Labels for enum values, where the raw value reads badly. */
  choiceLabels?: Record<string, string>;
  /**
   * Shown only while another field of the form holds one of these values (compared trimmed); hidden, the
   * field is neither shown, read nor required. The form redraws when the other field changes.
   */
  shownWhen?: { field: string; values: readonly string[] };
}

/** What a form starts with: values by request field (text, Slack user ids, unix seconds for dates). */
export type FormValues = Record<string, string | string[] | number | undefined>;

export interface OpenFormContext {
  userId: string;
  /** The text a message shortcut started from, and that text with where it came from (for long fields). */
  prefill?: string;
  body?: string;
  now: Date;
  /** The person's e-mail as Slack knows it; asks Slack only when the form wants it. */
  email(): Promise<string | undefined>;
}

/** A vendor's "open a case" form and the rules of its request. */
export interface OpenForm {
  /** The vendor's own request fields (`vendor` included as a literal); the adapter checks it again. */
  schema: z.ZodObject<z.ZodRawShape>;
  /** In the order a person fills them in. */
  fields: readonly OpenFormField[];
  /** The field a severity cap is worded on, when the request has one. */
  severityField?: string;
  defaults(context: OpenFormContext): FormValues | Promise<FormValues>;
  /** The request's severity on the 1 (most severe) to 4 scale, for policy caps; undefined when it has none. */
  severity(request: OpenRequest): Severity | undefined;
  /** What is asked, in one line, for the audit trail. Never a credential. */
  summary(request: OpenRequest): string;
  /** The vendor's own idempotency key when the request carries one (Juniper's tracking number). */
  vendorKey?(request: OpenRequest): string;
}

/** Who a vendor is and what it allows: shared by its manifest and its adapter, so the two never disagree. */
export interface VendorTerms<Id extends VendorId = VendorId> {
  readonly id: Id;
  /** "Motadata ServiceOps": text and headings. */
  readonly name: string;
  /** "ServiceOps": buttons and modal titles, where space is short. */
  readonly shortName: string;
  readonly capabilities: ReadonlySet<Capability>;
  /** Why each capability the vendor lacks is missing, in words a person can act on. */
  readonly unsupported: Readonly<Partial<Record<Capability, string>>>;
  readonly caseId: { pattern: RegExp; hint: string };
}

export interface VendorPlugin<
  Id extends VendorId = VendorId,
  Shape extends z.ZodRawShape = z.ZodRawShape,
  Status extends string = string,
  Simulator extends VendorSimulator = VendorSimulator,
> {
  readonly id: Id;
  /** "Motadata ServiceOps": text and headings. */
  readonly name: string;
  /** "ServiceOps": buttons and modal titles, where space is short. */
  readonly shortName: string;
  /** What a person may type for this vendor, lower case, the id first. Unique across plugins. */
  readonly aliases: readonly string[];
  readonly caseId: {
    /** Throws InvalidInputError saying what an id looks like; returns the id normalised. */
    parse(raw: string): string;
    /** One line on how ids look, for help and errors. */
    hint: string;
  };
  readonly capabilities: ReadonlySet<Capability>;
  /** Why each capability the vendor lacks is missing, in words a person can act on. */
  readonly unsupported: Readonly<Partial<Record<Capability, string>>>;
  /** Notes carry a visibility choice (who at the vendor sees them). */
  readonly noteVisibility?: boolean;
  /** Severity words from most to least severe ("1 - Critical" … "4 - Low"), where the vendor has its own. */
  readonly severityWords?: readonly [string, string, string, string];
  readonly config: VendorConfig<Shape>;
  /** The adapter, or undefined when the vendor is not configured. */
  fromConfig(env: z.infer<z.ZodObject<Shape>> & SharedVendorEnv, deps: VendorDeps): VendorAdapter | undefined;
  /** Absent when the vendor cannot open cases through caseops. */
  readonly openForm?: OpenForm;
  /**
   * The vendor portal's page for a case. `template` has `{id}` where the case id goes; `env` is the variable
   * that sets or overrides it (the URL shape is not published for every vendor).
   */
  readonly portal: { env: string; template?: string };
  /** Every documented vendor status and the state it means; typed so a new status is a compile error. */
  readonly statuses: Readonly<Record<Status, CaseState>>;
  /**
   * The vendor's simulator part, loaded on demand (its own chunk in the build): only the sandbox, the
   * playground and tests use it, so a production start neither loads nor evaluates any simulator.
   */
  loadSimulator(): Promise<SimulatorPlugin<Simulator>>;
}

/** What a vendor's plugin-simulator.ts gives the sandbox, the playground and tests. */
export interface SimulatorPlugin<Simulator extends VendorSimulator = VendorSimulator> {
  /** A stateful simulator of the vendor's API (not started): the sandbox, the playground and tests. */
  create(options?: SimulatorOptions): Simulator;
  /** The cases the sandbox starts with, once the simulator is started. */
  seedSandbox?(simulator: Simulator): void;
  /**
   * What the playground's panel should say of a simulated case the vendor's status map cannot place: a
   * record that is not a case yet (open one for it instead), or a status it never moves on from.
   */
  describeSandboxCase?(c: SimulatedCaseSummary): SandboxCaseNote | undefined;
  /** What the playground's panel may make the vendor's own people do to a simulated case. */
  vendorActs?: VendorActs<Simulator>;
}

/**
 * What a simulator can make the vendor do to one of its cases, as the vendor's support engineers would: each
 * hook throws when the simulator has no such case. Absent hooks are things this vendor's API never reports.
 */
export interface VendorActs<Simulator extends VendorSimulator = VendorSimulator> {
  /** A support engineer adds a note. */
  note?(simulator: Simulator, id: string, text: string): void;
  /** The case is handed to another engineer. */
  owner?(simulator: Simulator, id: string, name: string): void;
  /** The severity is raised or lowered, to one of `choices` (the vendor's value and its words). */
  severity?: {
    choices: ReadonlyArray<{ value: string; label: string }>;
    set(simulator: Simulator, id: string, value: string): void;
  };
}

/** How the playground's panel shows a simulated case. */
export interface SandboxCaseNote {
  /** Why Advance is off for it, in words. */
  cannotAdvance: string;
  /** True when it is a record to open a case for, not a case to show (the panel adds the command). */
  opensNewCase?: boolean;
}

/** Declares a plugin with its types kept (the schema's variables reach `fromConfig` typed). */
export function defineVendorPlugin<
  const Id extends VendorId,
  Shape extends z.ZodRawShape,
  Status extends string,
>(plugin: VendorPlugin<Id, Shape, Status>): VendorPlugin<Id, Shape, Status> {
  return plugin;
}

/** Declares a vendor's simulator part with its simulator's type kept (its hooks get the vendor's own class). */
export function defineSimulatorPlugin<Simulator extends VendorSimulator>(
  plugin: SimulatorPlugin<Simulator>,
): SimulatorPlugin<Simulator> {
  return plugin;
}
