// Every API this broker speaks. ApiVersions advertises exactly these ranges.
import type { ApiSchema } from '../schema.js'
import { Produce } from './produce.js'
import { Fetch } from './fetch.js'
import { ListOffsets } from './list-offsets.js'
import { Metadata } from './metadata.js'
import { OffsetCommit } from './offset-commit.js'
import { OffsetFetch } from './offset-fetch.js'
import { FindCoordinator } from './find-coordinator.js'
import { JoinGroup } from './join-group.js'
import { Heartbeat } from './heartbeat.js'
import { LeaveGroup } from './leave-group.js'
import { SyncGroup } from './sync-group.js'
import { DescribeGroups } from './describe-groups.js'
import { ListGroups } from './list-groups.js'
import { SaslHandshake } from './sasl-handshake.js'
import { ApiVersions } from './api-versions.js'
import { CreateTopics } from './create-topics.js'
import { DeleteTopics } from './delete-topics.js'
import { DeleteRecords } from './delete-records.js'
import { InitProducerId } from './init-producer-id.js'
import { AddPartitionsToTxn } from './add-partitions-to-txn.js'
import { AddOffsetsToTxn } from './add-offsets-to-txn.js'
import { EndTxn } from './end-txn.js'
import { TxnOffsetCommit } from './txn-offset-commit.js'
import { DescribeConfigs } from './describe-configs.js'
import { AlterConfigs } from './alter-configs.js'
import { CreatePartitions } from './create-partitions.js'
import { DeleteGroups } from './delete-groups.js'

export {
  Produce, Fetch, ListOffsets, Metadata, OffsetCommit, OffsetFetch, FindCoordinator, JoinGroup,
  Heartbeat, LeaveGroup, SyncGroup, DescribeGroups, ListGroups, SaslHandshake, ApiVersions,
  CreateTopics, DeleteTopics, DeleteRecords, InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn,
  EndTxn, TxnOffsetCommit, DescribeConfigs, AlterConfigs, CreatePartitions, DeleteGroups,
}

export const ALL_APIS: readonly ApiSchema[] = [
  Produce, Fetch, ListOffsets, Metadata, OffsetCommit, OffsetFetch, FindCoordinator, JoinGroup,
  Heartbeat, LeaveGroup, SyncGroup, DescribeGroups, ListGroups, SaslHandshake, ApiVersions,
  CreateTopics, DeleteTopics, DeleteRecords, InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn,
  EndTxn, TxnOffsetCommit, DescribeConfigs, AlterConfigs, CreatePartitions, DeleteGroups,
]

const byKey = new Map<number, ApiSchema>(ALL_APIS.map((a) => [a.key, a]))
const byName = new Map<string, ApiSchema>(ALL_APIS.map((a) => [a.name.toLowerCase(), a]))

export function apiByKey(key: number): ApiSchema | undefined {
  return byKey.get(key)
}

/** Resolves an API key or a name such as 'Produce' (case-insensitive). */
export function resolveApi(keyOrName: number | string): ApiSchema {
  const found = typeof keyOrName === 'number' ? byKey.get(keyOrName) : byName.get(keyOrName.toLowerCase())
  if (!found) throw new Error(`unknown Kafka API ${JSON.stringify(keyOrName)}; known: ${ALL_APIS.map((a) => a.name).join(', ')}`)
  return found
}
