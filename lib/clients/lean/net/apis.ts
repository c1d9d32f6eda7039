import type * as M from '../../../../protocol/messages/index.js'

/** The APIs this client sends, by name, and their keys. */
export const Api = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  TxnOffsetCommit: 28,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  SaslAuthenticate: 36,
  CreatePartitions: 37,
  DeleteGroups: 42,
} as const

/** Request and response types of each API key. */
export interface ApiTypes {
  0: [M.ProduceRequest, M.ProduceResponse]
  1: [M.FetchRequest, M.FetchResponse]
  2: [M.ListOffsetsRequest, M.ListOffsetsResponse]
  3: [M.MetadataRequest, M.MetadataResponse]
  8: [M.OffsetCommitRequest, M.OffsetCommitResponse]
  9: [M.OffsetFetchRequest, M.OffsetFetchResponse]
  10: [M.FindCoordinatorRequest, M.FindCoordinatorResponse]
  11: [M.JoinGroupRequest, M.JoinGroupResponse]
  12: [M.HeartbeatRequest, M.HeartbeatResponse]
  13: [M.LeaveGroupRequest, M.LeaveGroupResponse]
  14: [M.SyncGroupRequest, M.SyncGroupResponse]
  15: [M.DescribeGroupsRequest, M.DescribeGroupsResponse]
  16: [M.ListGroupsRequest, M.ListGroupsResponse]
  17: [M.SaslHandshakeRequest, M.SaslHandshakeResponse]
  18: [M.ApiVersionsRequest, M.ApiVersionsResponse]
  19: [M.CreateTopicsRequest, M.CreateTopicsResponse]
  20: [M.DeleteTopicsRequest, M.DeleteTopicsResponse]
  21: [M.DeleteRecordsRequest, M.DeleteRecordsResponse]
  22: [M.InitProducerIdRequest, M.InitProducerIdResponse]
  24: [M.AddPartitionsToTxnRequest, M.AddPartitionsToTxnResponse]
  25: [M.AddOffsetsToTxnRequest, M.AddOffsetsToTxnResponse]
  26: [M.EndTxnRequest, M.EndTxnResponse]
  28: [M.TxnOffsetCommitRequest, M.TxnOffsetCommitResponse]
  32: [M.DescribeConfigsRequest, M.DescribeConfigsResponse]
  33: [M.AlterConfigsRequest, M.AlterConfigsResponse]
  36: [M.SaslAuthenticateRequest, M.SaslAuthenticateResponse]
  37: [M.CreatePartitionsRequest, M.CreatePartitionsResponse]
  42: [M.DeleteGroupsRequest, M.DeleteGroupsResponse]
}

export type ApiKey = keyof ApiTypes
export type RequestOf<K extends ApiKey> = ApiTypes[K][0]
export type ResponseOf<K extends ApiKey> = ApiTypes[K][1]

/**
 * The newest version of each API whose semantics this client implements. A broker offering newer
 * ones is spoken to at these (newer versions change behaviour, not only fields: Produce v12 and
 * EndTxn v5 belong to transactions v2, AddPartitionsToTxn v4 is the brokers' batched form, OffsetCommit
 * v10 and OffsetFetch v10 name topics by id).
 */
export const CLIENT_MAX_VERSION: Readonly<Record<ApiKey, number>> = {
  0: 11, 1: 17, 2: 10, 3: 12, 8: 9, 9: 9, 10: 6, 11: 9, 12: 4, 13: 5, 14: 5, 15: 5, 16: 5, 17: 1,
  18: 3, 19: 7, 20: 6, 21: 2, 22: 5, 24: 3, 25: 4, 26: 4, 28: 4, 32: 4, 33: 2, 36: 2, 37: 3, 42: 2,
}

/** The oldest version this client can speak (RecordBatch v2 needs Produce v3 and Fetch v4). */
export const CLIENT_MIN_VERSION: Partial<Readonly<Record<ApiKey, number>>> = {
  0: 3, 1: 4, 2: 1, 3: 1, 8: 2, 9: 1, 28: 0,
}

export function apiName(key: number): string {
  for (const [name, k] of Object.entries(Api)) if (k === key) return name
  return `API ${key}`
}

/** What a connection's setup steps (version negotiation, SASL) need of it: typed requests. */
export interface RequestSender {
  readonly address: string
  versionOf(key: ApiKey): number
  send<K extends ApiKey>(key: K, version: number, body: RequestOf<K>, timeoutMs?: number): Promise<ResponseOf<K>>
}
