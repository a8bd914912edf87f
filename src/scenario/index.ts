/** The scenario room: recorded runs (the file format), share links, and the time machine. */
export { makeScenario, parseScenario, scenarioChecksum, serializeScenario, ScenarioError, SCENARIO_FORMAT, SCENARIO_VERSION, MAX_SCENARIO_BYTES, type Scenario } from './scenarioFormat.ts';
export { readShareFragment, shareFragment, shareUrl } from './shareLink.ts';
export { PastViewError, TimeMachine, type Branch, type LoadResult, type TravelProgress, type TravelView } from './timeMachine.ts';
