// Reads a quorum stream the way ZooKeeper 3.8's Learner.syncWithLeader reads a SNAP (QuorumPacket, then
// SerializeUtils.deserializeSnapshot, then the signature, then the next packet) using zookeeper.jar's own classes,
// and prints what it found for snapWireJava.test.ts to check.
import java.io.*;
import java.util.*;
import org.apache.jute.BinaryInputArchive;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.quorum.QuorumPacket;
import org.apache.zookeeper.server.util.SerializeUtils;

public class ReadSnapWire {
  public static void main(String[] args) throws Exception {
    BinaryInputArchive ia = BinaryInputArchive.getArchive(new BufferedInputStream(new FileInputStream(args[0])));
    QuorumPacket qp = new QuorumPacket();
    ia.readRecord(qp, "packet");
    System.out.println("packet type " + qp.getType() + " zxid " + Long.toHexString(qp.getZxid()) + " data " + (qp.getData() == null ? "null" : qp.getData().length));
    DataTree dt = new DataTree();
    Map<Long, Integer> sessions = new HashMap<>();
    SerializeUtils.deserializeSnapshot(dt, ia, sessions);
    String sig = ia.readString("signature");
    System.out.println("nodes " + dt.getNodeCount() + " sessions " + sessions + " signature " + sig + " ephemerals of 0x55 " + dt.getEphemerals(0x55L));
    System.out.println("/a/n4999 data " + dt.getNode("/a/n4999").getData().length + " acl " + dt.getACL("/a/n4998", null));
    QuorumPacket next = new QuorumPacket();
    ia.readRecord(next, "packet");
    System.out.println("next packet type " + next.getType());
  }
}
