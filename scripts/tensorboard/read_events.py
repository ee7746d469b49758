#!/usr/bin/python3
"""Reads TensorBoard event files with a reader that is not annonet's, and checks them strictly.

    /usr/bin/python3 scripts/tensorboard/read_events.py LOG_DIR_OR_FILE...

Every file whose name holds "tfevents" (directories are walked) is read record by record: the
TFRecord framing (uint64 length, masked CRC32C of the length, data, masked CRC32C of the data) is
checked with a CRC32C written here, and the data is parsed as a tensorboard.Event by Debian's
python3-protobuf, from message descriptors built below with the field numbers of TensorBoard's
own event.proto, summary.proto and histogram.proto (tensorboard/compat/proto). Each event is
printed as one JSON object per line (keys sorted). Anything wrong (a CRC that differs, a torn
record, bytes left over, a field these messages do not know) is reported with the file and byte
offset, and the exit status is 1; 2 when the arguments or the protobuf module are missing.
"""
import json
import os
import struct
import sys

try:
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
except ImportError:
    sys.exit("read_events.py: no protobuf module for " + sys.executable + "; install Debian's python3-protobuf")

FIELD = descriptor_pb2.FieldDescriptorProto


def _crc32c_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


CRC32C_TABLE = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc = CRC32C_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _message(container, name, fields, oneofs=()):
    message = container.add(name=name)
    for oneof in oneofs:
        message.oneof_decl.add(name=oneof)
    for field_name, number, field_type, extra in fields:
        field = message.field.add(name=field_name, number=number, type=field_type, label=FIELD.LABEL_OPTIONAL)
        if extra.get("repeated"):
            field.label = FIELD.LABEL_REPEATED
        if "message" in extra:
            field.type_name = extra["message"]
        if "oneof" in extra:
            field.oneof_index = oneofs.index(extra["oneof"])
    return message


def event_class():
    """tensorboard.Event with the parts annonet writes, numbered as TensorBoard's .proto files number them."""
    proto = descriptor_pb2.FileDescriptorProto(name="read_events_check.proto", package="tensorboard", syntax="proto3")
    _message(proto.message_type, "HistogramProto", [
        ("min", 1, FIELD.TYPE_DOUBLE, {}),
        ("max", 2, FIELD.TYPE_DOUBLE, {}),
        ("num", 3, FIELD.TYPE_DOUBLE, {}),
        ("sum", 4, FIELD.TYPE_DOUBLE, {}),
        ("sum_squares", 5, FIELD.TYPE_DOUBLE, {}),
        ("bucket_limit", 6, FIELD.TYPE_DOUBLE, {"repeated": True}),
        ("bucket", 7, FIELD.TYPE_DOUBLE, {"repeated": True}),
    ])
    summary = _message(proto.message_type, "Summary", [
        ("value", 1, FIELD.TYPE_MESSAGE, {"repeated": True, "message": ".tensorboard.Summary.Value"}),
    ])
    _message(summary.nested_type, "Value", [
        ("node_name", 7, FIELD.TYPE_STRING, {}),
        ("tag", 1, FIELD.TYPE_STRING, {}),
        ("simple_value", 2, FIELD.TYPE_FLOAT, {"oneof": "value"}),
        ("obsolete_old_style_histogram", 3, FIELD.TYPE_BYTES, {"oneof": "value"}),
        ("histo", 5, FIELD.TYPE_MESSAGE, {"oneof": "value", "message": ".tensorboard.HistogramProto"}),
    ], oneofs=("value",))
    _message(proto.message_type, "SourceMetadata", [
        ("writer", 1, FIELD.TYPE_STRING, {}),
    ])
    _message(proto.message_type, "Event", [
        ("wall_time", 1, FIELD.TYPE_DOUBLE, {}),
        ("step", 2, FIELD.TYPE_INT64, {}),
        ("file_version", 3, FIELD.TYPE_STRING, {"oneof": "what"}),
        ("graph_def", 4, FIELD.TYPE_BYTES, {"oneof": "what"}),
        ("summary", 5, FIELD.TYPE_MESSAGE, {"oneof": "what", "message": ".tensorboard.Summary"}),
        ("source_metadata", 10, FIELD.TYPE_MESSAGE, {"message": ".tensorboard.SourceMetadata"}),
    ], oneofs=("what",))
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    descriptor = pool.FindMessageTypeByName("tensorboard.Event")
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


class CorruptFile(Exception):
    pass


def records(path):
    """(offset, data) of each record of the file, both CRCs checked."""
    with open(path, "rb") as f:
        content = f.read()
    offset = 0
    while offset < len(content):
        if len(content) - offset < 12:
            raise CorruptFile(f"{path}: torn record header at byte {offset} ({len(content) - offset} bytes left)")
        header = content[offset:offset + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", content[offset + 8:offset + 12])
        if length_crc != masked_crc32c(header):
            raise CorruptFile(f"{path}: the length CRC of the record at byte {offset} is {length_crc:#010x}, "
                              f"not {masked_crc32c(header):#010x}")
        end = offset + 12 + length + 4
        if end > len(content):
            raise CorruptFile(f"{path}: the record at byte {offset} holds {length} bytes but the file ends first")
        data = content[offset + 12:offset + 12 + length]
        (data_crc,) = struct.unpack("<I", content[end - 4:end])
        if data_crc != masked_crc32c(data):
            raise CorruptFile(f"{path}: the data CRC of the record at byte {offset} is {data_crc:#010x}, "
                              f"not {masked_crc32c(data):#010x}")
        yield offset, data
        offset = end


def value_json(value):
    kind = value.WhichOneof("value")
    result = {"tag": value.tag}
    if kind == "simple_value":
        result["simple_value"] = value.simple_value
    elif kind == "histo":
        h = value.histo
        result["histo"] = {"min": h.min, "max": h.max, "num": h.num, "sum": h.sum, "sum_squares": h.sum_squares,
                           "bucket_limit": list(h.bucket_limit), "bucket": list(h.bucket)}
    else:
        result["kind"] = kind
    return result


def events(path, event_type):
    for index, (offset, data) in enumerate(records(path)):
        event = event_type()
        event.ParseFromString(data)
        known = event_type()
        known.CopyFrom(event)
        known.DiscardUnknownFields()
        if known.ByteSize() != event.ByteSize():
            raise CorruptFile(f"{path}: the event at byte {offset} has fields that tensorboard.Event does not define")
        kind = event.WhichOneof("what")
        if index == 0 and kind != "file_version":
            raise CorruptFile(f"{path}: the first event holds {kind}, not the file version")
        result = {"file": path, "wall_time": event.wall_time, "step": event.step}
        if kind == "file_version":
            result["file_version"] = event.file_version
            if event.HasField("source_metadata"):
                result["source_metadata"] = {"writer": event.source_metadata.writer}
        elif kind == "summary":
            result["summary"] = [value_json(v) for v in event.summary.value]
        elif kind == "graph_def":
            result["graph_def_bytes"] = len(event.graph_def)
        yield result


def event_files(arguments):
    for argument in arguments:
        if os.path.isdir(argument):
            for directory, _, names in sorted(os.walk(argument)):
                for name in sorted(names):
                    if "tfevents" in name:
                        yield os.path.join(directory, name)
        else:
            yield argument


def main(arguments):
    if not arguments:
        print(__doc__, file=sys.stderr)
        return 2
    if masked_crc32c(b"123456789") != 0xC78AB0E5 or crc32c(b"123456789") != 0xE3069283:
        print("read_events.py: this script's CRC32C is wrong", file=sys.stderr)
        return 1
    event_type = event_class()
    files = list(event_files(arguments))
    if not files:
        print("read_events.py: no event files in " + " ".join(arguments), file=sys.stderr)
        return 1
    try:
        for path in files:
            for event in events(path, event_type):
                print(json.dumps(event, sort_keys=True))
    except (CorruptFile, OSError) as e:
        print("read_events.py: " + str(e), file=sys.stderr)
        return 1
    except Exception as e:  # a protobuf DecodeError names no file: say which
        print(f"read_events.py: {path}: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
