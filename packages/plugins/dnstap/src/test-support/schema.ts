/**
 * The dnstap schema as a .proto text, for the independent decoder (protobufjs) the tests
 * cross-check the hand-written codec against. Field numbers and types are dnstap.proto's.
 */
export const DNSTAP_PROTO = `
syntax = "proto2";
package dnstap;

message Dnstap {
  optional bytes identity = 1;
  optional bytes version = 2;
  optional bytes extra = 3;
  enum Type { MESSAGE = 1; }
  required Type type = 15;
  optional Message message = 14;
}

enum SocketFamily { INET = 1; INET6 = 2; }

enum SocketProtocol { UDP = 1; TCP = 2; DOT = 3; DOH = 4; DNSCryptUDP = 5; DNSCryptTCP = 6; DOQ = 7; }

enum HttpProtocol { HTTP1 = 1; HTTP2 = 2; HTTP3 = 3; }

message Message {
  enum Type {
    AUTH_QUERY = 1; AUTH_RESPONSE = 2; RESOLVER_QUERY = 3; RESOLVER_RESPONSE = 4;
    CLIENT_QUERY = 5; CLIENT_RESPONSE = 6; FORWARDER_QUERY = 7; FORWARDER_RESPONSE = 8;
    STUB_QUERY = 9; STUB_RESPONSE = 10; TOOL_QUERY = 11; TOOL_RESPONSE = 12;
    UPDATE_QUERY = 13; UPDATE_RESPONSE = 14;
  }
  required Type type = 1;
  optional SocketFamily socket_family = 2;
  optional SocketProtocol socket_protocol = 3;
  optional bytes query_address = 4;
  optional bytes response_address = 5;
  optional uint32 query_port = 6;
  optional uint32 response_port = 7;
  optional uint64 query_time_sec = 8;
  optional fixed32 query_time_nsec = 9;
  optional bytes query_message = 10;
  optional bytes query_zone = 11;
  optional uint64 response_time_sec = 12;
  optional fixed32 response_time_nsec = 13;
  optional bytes response_message = 14;
  optional bytes policy = 15;
  optional HttpProtocol http_protocol = 16;
}
`;
