// API key → handler.
import type { Handler } from '../context.js'
import { produce } from './produce.js'
import { fetch } from './fetch.js'
import { listOffsets } from './list-offsets.js'
import { metadata } from './metadata.js'
import { offsetCommit } from './offset-commit.js'
import { offsetFetch } from './offset-fetch.js'
import { findCoordinator } from './find-coordinator.js'
import { joinGroup } from './join-group.js'
import { heartbeat } from './heartbeat.js'
import { leaveGroup } from './leave-group.js'
import { syncGroup } from './sync-group.js'
import { describeGroups } from './describe-groups.js'
import { listGroups } from './list-groups.js'
import { saslHandshake } from './sasl-handshake.js'
import { apiVersions } from './api-versions.js'
import { createTopics } from './create-topics.js'
import { deleteTopics } from './delete-topics.js'
import { deleteRecords } from './delete-records.js'
import { initProducerId, addPartitionsToTxn, addOffsetsToTxn, endTxn, txnOffsetCommit } from './transactions.js'
import { describeConfigs } from './describe-configs.js'
import { alterConfigs } from './alter-configs.js'
import { createPartitions } from './create-partitions.js'
import { deleteGroups } from './delete-groups.js'

export const HANDLERS: ReadonlyMap<number, Handler> = new Map<number, Handler>([
  [0, produce], [1, fetch], [2, listOffsets], [3, metadata], [8, offsetCommit], [9, offsetFetch],
  [10, findCoordinator], [11, joinGroup], [12, heartbeat], [13, leaveGroup], [14, syncGroup],
  [15, describeGroups], [16, listGroups], [17, saslHandshake], [18, apiVersions], [19, createTopics],
  [20, deleteTopics], [21, deleteRecords], [22, initProducerId], [24, addPartitionsToTxn],
  [25, addOffsetsToTxn], [26, endTxn], [28, txnOffsetCommit], [32, describeConfigs], [33, alterConfigs],
  [37, createPartitions], [42, deleteGroups],
])
