/** Messages between the page and the bug finder's worker (plain data; the page stops it by terminating it). */
import type { ClusterSettings } from '../runtime/playgroundApi.ts';
import type { FoundFailure, PlanStep } from './bugFinder.ts';

export interface FinderStart {
  type: 'start';
  settings: Partial<ClusterSettings>;
  maxSeeds: number;
}

export type FinderMessage =
  | { type: 'progress'; phase: 'search' | 'shrink'; seed: number; tried: number; planSteps: number }
  /** `scenario`: the counterexample as a scenario file's text. */
  | { type: 'found'; seed: number; plan: PlanStep[]; originalSteps: number; runs: number; failure: FoundFailure; scenario: string }
  | { type: 'none'; seeds: number }
  | { type: 'error'; message: string };
