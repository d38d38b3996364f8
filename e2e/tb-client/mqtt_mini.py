"""A tiny MQTT 3.1.1 client (QoS 0 publish, subscribe) so the suite needs no MQTT package: it plays the guide's
devices (mosquitto_pub, mosquitto_sub and the advanced simulator)."""
import socket
import struct
import threading
import uuid


def _varint(n):
    out = bytearray()
    while True:
        b = n % 128
        n //= 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _str(s):
    b = s.encode()
    return struct.pack('!H', len(b)) + b


class Mqtt:
    def __init__(self, host, port, on_message=None):
        self.sock = socket.create_connection((host, port), timeout=10)
        self.on_message = on_message
        self.lock = threading.Lock()
        self.subacks = threading.Semaphore(0)
        self.closed = False
        body = _str('MQTT') + bytes([4, 2]) + struct.pack('!H', 60) + _str('tbc-' + uuid.uuid4().hex[:12])
        self._send(0x10, body)
        kind, _, payload = self._read_packet()
        if kind != 0x20 or payload[1] != 0:
            raise RuntimeError('the broker refused the connection')
        self.sock.settimeout(None)
        threading.Thread(target=self._loop, daemon=True).start()

    def _send(self, first, body):
        with self.lock:
            self.sock.sendall(bytes([first]) + _varint(len(body)) + body)

    def _read_exact(self, n):
        buf = b''
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError('closed')
            buf += chunk
        return buf

    def _read_packet(self):
        first = self._read_exact(1)[0]
        mult, length = 1, 0
        while True:
            b = self._read_exact(1)[0]
            length += (b & 0x7F) * mult
            mult *= 128
            if not b & 0x80:
                break
        return first & 0xF0, first, self._read_exact(length) if length else b''

    def _loop(self):
        try:
            while not self.closed:
                kind, first, body = self._read_packet()
                if kind == 0x30:
                    tlen = struct.unpack('!H', body[:2])[0]
                    topic = body[2:2 + tlen].decode()
                    rest = body[2 + tlen:]
                    qos = (first >> 1) & 3
                    if qos:
                        pid, rest = rest[:2], rest[2:]
                        self._send(0x40, pid)
                    if self.on_message:
                        self.on_message(topic, rest)
                elif kind == 0x90:
                    self.subacks.release()
        except (ConnectionError, OSError):
            pass

    def subscribe(self, topic):
        self._send(0x82, struct.pack('!H', 1) + _str(topic) + bytes([0]))
        if not self.subacks.acquire(timeout=10):
            raise RuntimeError('no SUBACK for ' + topic)

    def publish(self, topic, payload):
        self._send(0x30, _str(topic) + (payload.encode() if isinstance(payload, str) else payload))

    def close(self):
        self.closed = True
        try:
            self._send(0xE0, b'')
            self.sock.close()
        except OSError:
            pass
