// ZeroMQ's default "blocky" context keeps Jest alive at exit; see pitfalls.md.
import * as zmq from 'zeromq';
zmq.context.blocky = false;
