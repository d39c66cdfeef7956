/** The scenarios `scimctl trigger` plays: each builds a Recording with names unique to one run. */
import type { Recording } from '../recording.js';
import { DEFAULT_CHURN_COUNT, USER_CHURN_DESCRIPTION, userChurn } from './churn.js';
import { ENTRA_DEPROVISION_DESCRIPTION, ENTRA_PROVISION_DESCRIPTION, entraDeprovision, entraProvision } from './entra.js';
import { OKTA_PROVISION_DESCRIPTION, oktaProvision } from './okta.js';
import { newRunId } from './names.js';

export { DEFAULT_CHURN_COUNT, MAX_CHURN_COUNT } from './churn.js';
export { newRunId } from './names.js';

export interface ScenarioOptions {
  runId: string;
  /** user-churn: how many users. */
  count: number;
}

export interface Scenario {
  name: string;
  description: string;
  /** Who it plays, e.g. "Microsoft Entra ID": named in the User-Agent so the log tells the traffic apart. */
  client: string;
  build: (options: ScenarioOptions) => Recording;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'entra-provision', description: ENTRA_PROVISION_DESCRIPTION, client: 'Microsoft Entra ID', build: ({ runId }) => entraProvision(runId) },
  { name: 'entra-deprovision', description: ENTRA_DEPROVISION_DESCRIPTION, client: 'Microsoft Entra ID', build: ({ runId }) => entraDeprovision(runId) },
  { name: 'okta-provision', description: OKTA_PROVISION_DESCRIPTION, client: 'Okta', build: ({ runId }) => oktaProvision(runId) },
  { name: 'user-churn', description: USER_CHURN_DESCRIPTION, client: 'RFC 7644 client', build: ({ runId, count }) => userChurn(runId, count) },
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

/** A scenario's recording for one run (a fresh run id unless given). */
export function buildScenario(scenario: Scenario, options: Partial<ScenarioOptions> = {}): Recording {
  return scenario.build({ runId: options.runId ?? newRunId(), count: options.count ?? DEFAULT_CHURN_COUNT });
}
