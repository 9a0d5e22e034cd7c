import { ServiceUnavailableError } from "../errors.js";

/**
 * Fault injection for any adapter of any port: wrap it, and a seeded share of
 * its calls fails with the port's transient error, as a flaky network or a
 * throttling service would; or the call does its work and then fails, as a
 * process that dies right after an effect (a write, a publication, a charge)
 * would. A consumer that meets either must leave its message to be retried,
 * and the retry must complete the work without doing any effect twice.
 *
 * @example
 * const faults = new FaultInjector({ random: seeded(7) });
 * const orders = faults.wrap("orders", new MyOrderRepository(), { rate: 0.1, crashAfter: { save: 0.02 } });
 * // … run the flows, then:
 * faults.stop();
 */

/** How one port misbehaves. */
export interface PortFaults {
  /** Share of calls (0..1) that fail before reaching the adapter. */
  readonly rate: number;
  /**
   * Share of calls of these methods (0..1) that fail after the adapter did its
   * work: a crash between this effect and the next.
   */
  readonly crashAfter?: Readonly<Record<string, number>> | undefined;
  /** The methods faults apply to; default every method. Methods must return promises. */
  readonly methods?: readonly string[] | undefined;
  /** The error to throw; default a {@link ServiceUnavailableError} naming the port and method. */
  readonly error?: ((fault: InjectedFault) => Error) | undefined;
}

/** One injected failure. */
export interface InjectedFault {
  readonly port: string;
  readonly method: string;
  /** `fault`: the call never reached the adapter; `crash`: it did its work, then failed. */
  readonly kind: "fault" | "crash";
}

export interface FaultInjectorOptions {
  /** Seed it (e.g. mulberry32) for a repeatable run. */
  readonly random: () => number;
}

/** Counts of injected failures, by port and kind. */
export type FaultCounts = Readonly<Record<string, { readonly faults: number; readonly crashes: number }>>;

/**
 * Wraps adapters so that a seeded share of their calls fails (see the module's
 * comment). One injector serves every port of a run: one random source, one
 * switch ({@link FaultInjector.stop}), one tally ({@link FaultInjector.counts}).
 */
export class FaultInjector {
  private readonly random: () => number;
  private readonly tally = new Map<string, { faults: number; crashes: number }>();
  private active = true;

  constructor(options: FaultInjectorOptions) {
    this.random = options.random;
  }

  /**
   * `port` with faults injected into its methods, or into its calls when it is
   * a function (a callback such as a bus target; its method is named `call`).
   * The wrapper calls the adapter's methods on the adapter itself (private
   * fields work) and passes everything else through, `instanceof` included.
   */
  wrap<T extends object>(name: string, port: T, faults: PortFaults): T {
    const wrapped = new Map<PropertyKey, unknown>();
    if (typeof port === "function") {
      const call = this.faulty(name, "call", port as (...args: unknown[]) => unknown, undefined, faults);
      return new Proxy(port, { apply: (_target, _this, args) => call(...args) });
    }
    const applies = (method: string) => faults.methods === undefined || faults.methods.includes(method);
    return new Proxy(port, {
      get: (target, property) => {
        // Read on the adapter itself, so its getters and methods reach its private fields.
        const value = Reflect.get(target, property, target);
        if (typeof value !== "function" || property === "constructor") return value;
        let method = wrapped.get(property);
        if (method === undefined) {
          const call = value as (...args: unknown[]) => unknown;
          method =
            typeof property === "string" && applies(property)
              ? this.faulty(name, property, call, target, faults)
              : call.bind(target);
          wrapped.set(property, method);
        }
        return method;
      },
    });
  }

  /** Whether faults are being injected (until {@link FaultInjector.stop}). */
  get injecting(): boolean {
    return this.active;
  }

  /** Ends every injection: from now on wrapped adapters behave as the adapters they wrap. */
  stop(): void {
    this.active = false;
  }

  /** Resumes injecting faults after {@link FaultInjector.stop}. */
  resume(): void {
    this.active = true;
  }

  /** Failures injected so far, by port. */
  counts(): FaultCounts {
    return Object.fromEntries([...this.tally].map(([port, counts]) => [port, { ...counts }]));
  }

  private faulty(
    port: string,
    method: string,
    call: (...args: unknown[]) => unknown,
    target: object | undefined,
    faults: PortFaults,
  ): (...args: unknown[]) => Promise<unknown> {
    const crashRate = faults.crashAfter?.[method] ?? 0;
    const fail = (kind: InjectedFault["kind"]): Error => {
      const counts = this.tally.get(port) ?? { faults: 0, crashes: 0 };
      if (kind === "fault") counts.faults++;
      else counts.crashes++;
      this.tally.set(port, counts);
      const fault = { port, method, kind };
      return faults.error?.(fault) ?? defaultError(fault);
    };
    return async (...args) => {
      if (this.active && faults.rate > 0 && this.random() < faults.rate) throw fail("fault");
      const result = await call.apply(target, args);
      if (this.active && crashRate > 0 && this.random() < crashRate) throw fail("crash");
      return result;
    };
  }
}

function defaultError({ port, method, kind }: InjectedFault): Error {
  const what = kind === "fault" ? "failed (injected fault)" : "crashed after its effect (injected)";
  return new ServiceUnavailableError(port, { message: `${port}.${method} ${what}` });
}
