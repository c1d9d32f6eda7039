// The APIs this broker serves: for each, the versions it accepts and advertises, the generated
// reader of its requests and writer of its responses, and its handler.
import {
  APIS, type Reader, type Writer, type WriteOptions,
  readProduceRequest, writeProduceResponse, readFetchRequest, writeFetchResponse,
  readListOffsetsRequest, writeListOffsetsResponse, readMetadataRequest, writeMetadataResponse,
  readOffsetCommitRequest, writeOffsetCommitResponse, readOffsetFetchRequest, writeOffsetFetchResponse,
  readFindCoordinatorRequest, writeFindCoordinatorResponse, readJoinGroupRequest, writeJoinGroupResponse,
  readHeartbeatRequest, writeHeartbeatResponse, readLeaveGroupRequest, writeLeaveGroupResponse,
  readSyncGroupRequest, writeSyncGroupResponse, readDescribeGroupsRequest, writeDescribeGroupsResponse,
  readListGroupsRequest, writeListGroupsResponse, readSaslHandshakeRequest, writeSaslHandshakeResponse,
  readApiVersionsRequest, writeApiVersionsResponse, readCreateTopicsRequest, writeCreateTopicsResponse,
  readDeleteTopicsRequest, writeDeleteTopicsResponse, readDeleteRecordsRequest, writeDeleteRecordsResponse,
  readInitProducerIdRequest, writeInitProducerIdResponse, readAddPartitionsToTxnRequest, writeAddPartitionsToTxnResponse,
  readAddOffsetsToTxnRequest, writeAddOffsetsToTxnResponse, readEndTxnRequest, writeEndTxnResponse,
  readTxnOffsetCommitRequest, writeTxnOffsetCommitResponse, readDescribeConfigsRequest, writeDescribeConfigsResponse,
  readAlterConfigsRequest, writeAlterConfigsResponse, readCreatePartitionsRequest, writeCreatePartitionsResponse,
  readDeleteGroupsRequest, writeDeleteGroupsResponse,
} from '../../../protocol/index.js'
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
import { apiVersionsHandler } from './api-versions.js'
import { createTopics } from './create-topics.js'
import { deleteTopics } from './delete-topics.js'
import { deleteRecords } from './delete-records.js'
import { initProducerId, addPartitionsToTxn, addOffsetsToTxn, endTxn, txnOffsetCommit } from './transactions.js'
import { describeConfigs } from './describe-configs.js'
import { alterConfigs } from './alter-configs.js'
import { createPartitions } from './create-partitions.js'
import { deleteGroups } from './delete-groups.js'

export interface ServedApi {
  readonly key: number
  readonly name: string
  /** The versions this broker accepts and advertises in ApiVersions. */
  readonly minVersion: number
  readonly maxVersion: number
  readonly read: (r: Reader, version: number) => unknown
  readonly write: (w: Writer, body: unknown, version: number, opts?: WriteOptions) => void
  readonly handle: Handler<unknown, unknown>
}

function serve<Req, Resp>(
  name: string, minVersion: number, maxVersion: number,
  read: (r: Reader, version: number) => Req,
  write: (w: Writer, value: Resp, version: number, opts?: WriteOptions) => void,
  handle: Handler<Req, Resp>,
): ServedApi {
  const info = APIS.find((a) => a.name === name)
  if (!info) throw new Error(`no generated protocol messages for API ${name}`)
  if (minVersion < info.minVersion || maxVersion > info.maxStableVersion) {
    throw new Error(`${name}: versions ${minVersion}-${maxVersion} are outside Kafka's stable ${info.minVersion}-${info.maxStableVersion}`)
  }
  return {
    key: info.key, name, minVersion, maxVersion, read,
    write: write as ServedApi['write'], handle: handle as Handler<unknown, unknown>,
  }
}

// Kafka 4.1's versions: from the oldest it still accepts (KIP-896 removed older ones in 4.0) to
// its newest stable one (OffsetCommit v10, OffsetFetch v10 and InitProducerId v6 are unstable in 4.1).
export const SERVED_APIS: readonly ServedApi[] = [
  serve('Produce', 3, 13, readProduceRequest, writeProduceResponse, produce),
  serve('Fetch', 4, 18, readFetchRequest, writeFetchResponse, fetch),
  serve('ListOffsets', 1, 10, readListOffsetsRequest, writeListOffsetsResponse, listOffsets),
  serve('Metadata', 0, 13, readMetadataRequest, writeMetadataResponse, metadata),
  serve('OffsetCommit', 2, 9, readOffsetCommitRequest, writeOffsetCommitResponse, offsetCommit),
  serve('OffsetFetch', 1, 9, readOffsetFetchRequest, writeOffsetFetchResponse, offsetFetch),
  serve('FindCoordinator', 0, 6, readFindCoordinatorRequest, writeFindCoordinatorResponse, findCoordinator),
  serve('JoinGroup', 0, 9, readJoinGroupRequest, writeJoinGroupResponse, joinGroup),
  serve('Heartbeat', 0, 4, readHeartbeatRequest, writeHeartbeatResponse, heartbeat),
  serve('LeaveGroup', 0, 5, readLeaveGroupRequest, writeLeaveGroupResponse, leaveGroup),
  serve('SyncGroup', 0, 5, readSyncGroupRequest, writeSyncGroupResponse, syncGroup),
  serve('DescribeGroups', 0, 6, readDescribeGroupsRequest, writeDescribeGroupsResponse, describeGroups),
  serve('ListGroups', 0, 5, readListGroupsRequest, writeListGroupsResponse, listGroups),
  serve('SaslHandshake', 0, 1, readSaslHandshakeRequest, writeSaslHandshakeResponse, saslHandshake),
  serve('ApiVersions', 0, 4, readApiVersionsRequest, writeApiVersionsResponse, apiVersionsHandler(() => SERVED_APIS)),
  serve('CreateTopics', 2, 7, readCreateTopicsRequest, writeCreateTopicsResponse, createTopics),
  serve('DeleteTopics', 1, 6, readDeleteTopicsRequest, writeDeleteTopicsResponse, deleteTopics),
  serve('DeleteRecords', 0, 2, readDeleteRecordsRequest, writeDeleteRecordsResponse, deleteRecords),
  serve('InitProducerId', 0, 5, readInitProducerIdRequest, writeInitProducerIdResponse, initProducerId),
  serve('AddPartitionsToTxn', 0, 5, readAddPartitionsToTxnRequest, writeAddPartitionsToTxnResponse, addPartitionsToTxn),
  serve('AddOffsetsToTxn', 0, 4, readAddOffsetsToTxnRequest, writeAddOffsetsToTxnResponse, addOffsetsToTxn),
  serve('EndTxn', 0, 5, readEndTxnRequest, writeEndTxnResponse, endTxn),
  serve('TxnOffsetCommit', 0, 5, readTxnOffsetCommitRequest, writeTxnOffsetCommitResponse, txnOffsetCommit),
  serve('DescribeConfigs', 1, 4, readDescribeConfigsRequest, writeDescribeConfigsResponse, describeConfigs),
  serve('AlterConfigs', 0, 2, readAlterConfigsRequest, writeAlterConfigsResponse, alterConfigs),
  serve('CreatePartitions', 0, 3, readCreatePartitionsRequest, writeCreatePartitionsResponse, createPartitions),
  serve('DeleteGroups', 0, 2, readDeleteGroupsRequest, writeDeleteGroupsResponse, deleteGroups),
]

const byKey = new Map<number, ServedApi>(SERVED_APIS.map((a) => [a.key, a]))
const byName = new Map<string, ServedApi>(SERVED_APIS.map((a) => [a.name.toLowerCase(), a]))

export function servedApi(key: number): ServedApi | undefined {
  return byKey.get(key)
}

/** Resolves an API key or a name such as 'Produce' (case-insensitive). */
export function resolveApi(keyOrName: number | string): ServedApi {
  const found = typeof keyOrName === 'number' ? byKey.get(keyOrName) : byName.get(keyOrName.toLowerCase())
  if (!found) throw new Error(`unknown Kafka API ${JSON.stringify(keyOrName)}; known: ${SERVED_APIS.map((a) => a.name).join(', ')}`)
  return found
}
