package netdisk.server.worker;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import netdisk.protocol.Frame;
import netdisk.protocol.FrameReader;
import netdisk.protocol.FrameWriter;
import netdisk.protocol.Message;

/** A session's connection as request handlers see it: frames both ways, and the raw channel for file content. */
record SessionIo(SocketChannel channel, FrameReader reader, FrameWriter writer) {

    void reply(int requestId, Message message) throws IOException {
        writer.write(new Frame(requestId, message));
    }
}
