package com.kickback.hbase;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.HRegionLocation;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.RegionInfo;
import org.apache.hadoop.hbase.client.RegionLocator;
import org.apache.hadoop.hbase.util.Bytes;

/**
 * Pre-split an existing table at given row keys, idempotently.
 *
 * <p>HBase's Thrift1 API (what happybase speaks) can create tables but not
 * split them, so the Python side creates the tables and calls this tool with
 * the split keys. A key that already starts a region is skipped. Splits run in
 * rounds: in each round every region (of every table given) that contains
 * missing keys is split once, at its middle missing key, all in parallel, so
 * 15 keys take 4 rounds. The tool returns when every key starts an online
 * region.
 *
 * <p>Usage: {@code SplitTable [--timeout-seconds N] --table TABLE KEY...
 * [--table TABLE KEY...]}; keys use
 * HBase's binary-string notation ({@code \xNN} for non-printable bytes). The
 * cluster comes from hbase-site.xml on the classpath. Exit status 0 on
 * success, 1 on failure, 2 on bad usage.
 */
public final class SplitTable {

  private SplitTable() {
  }

  public static void main(String[] args) throws Exception {
    long timeoutSeconds = 120;
    Map<TableName, TreeSet<byte[]>> wanted = new LinkedHashMap<>();
    TreeSet<byte[]> current = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--timeout-seconds") && i + 1 < args.length) {
        timeoutSeconds = Long.parseLong(args[++i]);
      } else if (args[i].equals("--table") && i + 1 < args.length) {
        current = new TreeSet<>(Bytes.BYTES_COMPARATOR);
        wanted.put(TableName.valueOf(args[++i]), current);
      } else if (current != null && Bytes.toBytesBinary(args[i]).length > 0) {
        current.add(Bytes.toBytesBinary(args[i]));
      } else {
        usage();
      }
    }
    if (wanted.isEmpty()) {
      usage();
    }
    Configuration conf = HBaseConfiguration.create();
    try (Connection connection = ConnectionFactory.createConnection(conf);
        Admin admin = connection.getAdmin()) {
      for (TableName table : wanted.keySet()) {
        if (!admin.tableExists(table)) {
          System.err.println("SplitTable: table " + table + " does not exist");
          System.exit(1);
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      split(admin, wanted, deadline);
      for (Map.Entry<TableName, TreeSet<byte[]>> entry : wanted.entrySet()) {
        waitOnline(connection, entry.getKey(), entry.getValue(), deadline);
        System.out.println("SplitTable: " + entry.getKey() + " has "
            + liveRegions(admin, entry.getKey()).size() + " regions");
      }
    } catch (TimeoutException e) {
      System.err.println("SplitTable: timed out after " + timeoutSeconds + "s: " + e.getMessage());
      System.exit(1);
    } catch (IOException | ExecutionException e) {
      System.err.println("SplitTable: " + e);
      System.exit(1);
    }
  }

  private static void usage() {
    System.err.println("usage: SplitTable [--timeout-seconds N] --table TABLE KEY... "
        + "[--table TABLE KEY...]");
    System.exit(2);
  }

  /** Split until every wanted key starts a region of its table. */
  static void split(Admin admin, Map<TableName, TreeSet<byte[]>> wanted, long deadline)
      throws IOException, InterruptedException, TimeoutException, ExecutionException {
    while (true) {
      List<Future<Void>> futures = new ArrayList<>();
      for (Map.Entry<TableName, TreeSet<byte[]>> entry : wanted.entrySet()) {
        Map<RegionInfo, byte[]> round = plan(liveRegions(admin, entry.getKey()), entry.getValue());
        for (Map.Entry<RegionInfo, byte[]> split : round.entrySet()) {
          futures.add(admin.splitRegionAsync(split.getKey().getRegionName(), split.getValue()));
        }
      }
      if (futures.isEmpty()) {
        return;
      }
      for (Future<Void> future : futures) {
        try {
          future.get(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
          // A region in transition refuses a split: the next round retries it.
          System.err.println("SplitTable: split deferred: " + e.getCause());
          sleepOrTimeout(deadline);
        }
      }
    }
  }

  /** For each region holding missing keys, the missing key nearest its middle. */
  static Map<RegionInfo, byte[]> plan(List<RegionInfo> regions, TreeSet<byte[]> wanted) {
    Map<RegionInfo, byte[]> round = new TreeMap<>(RegionInfo.COMPARATOR);
    for (RegionInfo region : regions) {
      List<byte[]> inside = new ArrayList<>();
      for (byte[] key : wanted) {
        if (region.containsRow(key) && !Bytes.equals(region.getStartKey(), key)) {
          inside.add(key);
        }
      }
      if (!inside.isEmpty()) {
        round.put(region, inside.get(inside.size() / 2));
      }
    }
    return round;
  }

  /** The table's primary regions (getRegions already leaves out split parents). */
  static List<RegionInfo> liveRegions(Admin admin, TableName table) throws IOException {
    List<RegionInfo> live = new ArrayList<>();
    for (RegionInfo region : admin.getRegions(table)) {
      if (region.getReplicaId() == RegionInfo.DEFAULT_REPLICA_ID) {
        live.add(region);
      }
    }
    return live;
  }

  /** Wait until every region of the table, including the new ones, has a server. */
  static void waitOnline(Connection connection, TableName table, TreeSet<byte[]> wanted,
      long deadline) throws IOException, InterruptedException, TimeoutException {
    try (RegionLocator locator = connection.getRegionLocator(table)) {
      while (true) {
        locator.clearRegionLocationCache();
        TreeSet<byte[]> starts = new TreeSet<>(Bytes.BYTES_COMPARATOR);
        boolean allAssigned = true;
        for (HRegionLocation location : locator.getAllRegionLocations()) {
          starts.add(location.getRegion().getStartKey());
          allAssigned &= location.getServerName() != null;
        }
        if (allAssigned && starts.containsAll(wanted)) {
          return;
        }
        sleepOrTimeout(deadline);
      }
    }
  }

  private static long remaining(long deadline) throws TimeoutException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new TimeoutException("regions not split and online in time");
    }
    return left;
  }

  private static void sleepOrTimeout(long deadline) throws InterruptedException, TimeoutException {
    remaining(deadline);
    Thread.sleep(500);
  }
}
