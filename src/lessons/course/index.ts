/**
 * The course's lessons as their modules write them, in the menu's order. Only data: it imports
 * nothing at run time, so a browser test can read the lessons without loading the cluster.
 */
import type { LessonSource } from '../lessonFormat.ts';
import { leaderElection } from './leaderElection.ts';
import { quorum } from './quorum.ts';
import { replication } from './replication.ts';
import { mvccRevisions } from './mvccRevisions.ts';
import { reads } from './reads.ts';
import { splitBrain } from './splitBrain.ts';
import { compaction } from './compaction.ts';
import { etcdctlTour } from './etcdctlTour.ts';
import { DEMOS } from './demos.ts';
import { watchLesson } from './watch.ts';
import { txnLesson } from './txn.ts';
import { leasesLesson } from './leases.ts';
import { voteCheckLesson } from './voteCheck.ts';
import { readIndexLesson } from './readIndex.ts';
import { syncFirstLesson } from './syncFirst.ts';
import { leaseReadLesson } from './leaseRead.ts';
import { membershipLesson } from './membership.ts';

export const COURSE_SOURCES: readonly LessonSource[] = [leaderElection, quorum, replication, mvccRevisions, watchLesson, txnLesson, leasesLesson, compaction, reads, splitBrain, membershipLesson, voteCheckLesson, readIndexLesson, leaseReadLesson, syncFirstLesson, etcdctlTour, ...DEMOS];
