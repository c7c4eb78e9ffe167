/**
 * One test's bench: a socat pty pair, the simulator served on the terminal's end with serveSerial, and the
 * cash register (EcrSide) on the other end. close() undoes all of it.
 */
import { serveSerial, TerminalSimulator, type ServedSerial, type SimulatorOptions } from '../../src';
import { EcrSide } from './ecr-side';
import { openPtyPair, type PtyPair } from './pty-pair';

export interface SerialRig {
  pty: PtyPair;
  simulator: TerminalSimulator;
  served: ServedSerial;
  ecr: EcrSide;
  /** What the simulator's link layer ignored: each NAKed frame is one entry. */
  simulatorNoise: Buffer[];
  close(): Promise<void>;
}

export async function openSerialRig(options: Pick<SimulatorOptions, 'protocol'> & Partial<SimulatorOptions>): Promise<SerialRig> {
  const pty = await openPtyPair();
  const simulator = new TerminalSimulator({ framing: 'link', outcome: 'approve', delayMs: 50, ...options });
  const simulatorNoise: Buffer[] = [];
  simulator.on('noise', (bytes) => simulatorNoise.push(bytes));
  let served: ServedSerial | undefined;
  let ecr: EcrSide | undefined;
  try {
    served = await serveSerial(pty.terminalPath, 9600, simulator);
    ecr = await EcrSide.open(pty.ecrPath);
  } catch (err) {
    simulator.close();
    await served?.close();
    await pty.close();
    throw err;
  }
  const s = served;
  const e = ecr;
  return {
    pty,
    simulator,
    served: s,
    ecr: e,
    simulatorNoise,
    close: async () => {
      simulator.close();
      await e.close();
      await s.close();
      await pty.close();
    },
  };
}
