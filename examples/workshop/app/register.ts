// Registration with the agent through the npm `consul` client: service "workshop", ID workshop-<name>,
// an HTTP check on the app's /health; an unreachable agent is retried with back-off.

import Consul from "consul";
import { Fatal, consulAddress, hostPort, parseDuration } from "./config.ts";

export interface Registration {
  name: string;
  host: string;
  port: number;
  checkInterval: string;
  deregisterCriticalServiceAfter: string;
}

export function serviceId(name: string): string {
  return `workshop-${name}`;
}

/** The body the consul client sends to PUT /v1/agent/service/register. */
export function serviceDefinition(r: Registration) {
  const intervalMs = parseDuration(r.checkInterval) ?? 10_000;
  return {
    name: "workshop",
    id: serviceId(r.name),
    address: r.host,
    port: r.port,
    tags: ["avatar"],
    meta: { account: r.name },
    check: {
      name: `HTTP /health of ${serviceId(r.name)}`,
      http: `http://${hostPort(r.host, r.port)}/health`,
      interval: r.checkInterval,
      // A probe never outlives its interval (nor 5 s).
      timeout: intervalMs < 5000 ? r.checkInterval : "5s",
      deregistercriticalserviceafter: r.deregisterCriticalServiceAfter,
    },
  };
}

const REQUEST_TIMEOUT_MS = 3000;

/** Transport trouble or a 5xx (agent starting up): worth another try. A 4xx is a real refusal. */
function retryable(err: any): boolean {
  return !(err?.isResponse && err.statusCode >= 400 && err.statusCode < 500) && !err?.isValidation;
}

function describe(err: any): string {
  const msg = String(err?.message ?? err).replace(/^consul: [\w.]+: /, "");
  return err?.isResponse ? `${err.statusCode} ${msg.trim()}` : msg;
}

export class Registrar {
  readonly consul: Consul;
  readonly address: string;
  private aborted = false;
  private wake: (() => void) | undefined;

  constructor(address: string, token = "") {
    const { host, port, secure } = consulAddress(address);
    this.address = address;
    this.consul = new Consul({ host, port, secure, defaults: token ? { token } : undefined });
  }

  /**
   * Registers, retrying an unreachable agent (200 ms doubling up to 5 s between tries) for timeoutMs.
   * Resolves false when abort() was called first; throws Fatal when it gives up.
   */
  async register(r: Registration, timeoutMs: number, log: (line: string) => void): Promise<boolean> {
    const opts = { ...serviceDefinition(r), timeout: REQUEST_TIMEOUT_MS };
    const deadline = Date.now() + timeoutMs;
    let delay = 200;
    for (let attempt = 1; ; attempt++) {
      if (this.aborted) return false;
      try {
        await this.consul.agent.service.register(opts);
        log(
          `workshop app: registered ${opts.id} at ${hostPort(r.host, r.port)} with the agent at ${this.address}` +
            ` (HTTP check every ${r.checkInterval})`,
        );
        return true;
      } catch (err: any) {
        if (!retryable(err)) {
          throw new Fatal(`the agent at ${this.address} refused to register ${opts.id}: ${describe(err)}`);
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Fatal(
            `could not register with the agent at ${this.address} within ${timeoutMs / 1000}s ` +
              `(${attempt} attempts): ${describe(err)}`,
          );
        }
        if (attempt === 1) {
          log(
            `workshop app: agent at ${this.address} not reachable (${describe(err)}), ` +
              `retrying for up to ${timeoutMs / 1000}s`,
          );
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.min(delay, left));
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = undefined;
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  /** Stops a register() loop at its next step. */
  abort(): void {
    this.aborted = true;
    this.wake?.();
  }

  async deregister(name: string): Promise<void> {
    await this.consul.agent.service.deregister({ id: serviceId(name), timeout: REQUEST_TIMEOUT_MS } as {
      id: string;
    });
  }
}

export { describe as describeConsulError };
