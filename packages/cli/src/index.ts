export { alwaysUp, launch, status, stop, type CliContext } from './commands';
export { LauncherLock, judgeLock, type LockRecord } from './launcher-lock';
export { askHealth, localApi, probeHealth, type ProbeVerdict, type LocalApi } from './local-api';
export { identityFile, readIdentity, readPid, removePidFile, writePidFile } from './pid-files';
export { judgeProcess, runsProgram, describeVerdict, type Observation, type Verdict, type ProcessIdentity } from './process-identity';
export { bootTimeMs, imageOf, observerFor, parseProcStat, parseTasklistCsv, type Observe } from './process-observer';
export {
  awaitStart,
  startProgram,
  stopPlan,
  stopProgram,
  stopRequestFile,
  trimOut,
  TEST_ONLY_ENV,
  type StartedProgram,
  type StopOutcome,
} from './program-control';
export { PROGRAM_NAMES, isProgramName, programCommand, programRoot, type ProgramName, type Runtime } from './programs';
export { programState, switchRunnerVerdict, type ProgramState } from './running-programs';
export { meaningfulLines, pickReason, readFrom, startupReason } from './startup-reason';
export { escapeXml, renderTaskXml } from './task-xml';
export { parseWindowsCommandLine, quoteWindowsArg, windowsCommandLine } from './windows-args';
