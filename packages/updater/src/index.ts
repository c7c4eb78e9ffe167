/**
 * @ecr/updater: the release updater. A signed release is read from UPDATE_SOURCE, checked, unpacked beside the
 * running one (install-release), switched to and rolled back if it does not become healthy (switch-release),
 * and packed by its publisher (pack-release). The supervisor decides when (its daily schedule) and brings
 * the health probe; this package decides how.
 */
export { prepareRelease, type PrepareOptions, type Prepared } from './install-release';
export { readLastRun, writeLastRun, type MaintenanceRecord, type TelecollectionStep } from './last-run';
export { MANIFEST_FILE, parseManifest, type Manifest, type NodeModulesTarget } from './manifest';
export { packRelease, writeSignedManifest, type PackOptions } from './pack-release';
export {
  isAlive,
  lastReason,
  preferredRuntime,
  processArgs,
  readPid,
  startProcess,
  stopProcess,
  PROCESS_NAMES,
  type ProcessName,
  type Runtime,
  type Started,
} from './process-control';
export { readCurrentLink, releaseLayout, setCurrentLink, writeJsonAtomic, type LinkFs, type LinkOptions, type ReleaseLayout } from './release-layout';
export { SIGNATURE_FILE, writeNewKeyPair } from './release-signature';
export { switchRelease, type Programs, type ReleaseProbe, type StartOptions, type SwitchDeps, type SwitchJob } from './switch-release';
export type { SourceOptions } from './update-source';
export type { UpdateOutcome, UpdateStep } from './update-step';
export { compareVersions, isVersion } from './version-order';
