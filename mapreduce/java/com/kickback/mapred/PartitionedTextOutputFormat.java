package com.kickback.mapred;

import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.lib.MultipleTextOutputFormat;

/**
 * The output format of the KickBack jobs on Hadoop: each reducer output line
 * "partition TAB row" goes to {@code <output>/<partition>/part-NNNNN}, and only
 * the row is written. The partition is a relative folder path such as
 * {@code events/dt=2026-11-27/hour=08}; anything that could leave the job's
 * output folder (an empty key, a leading or trailing '/', '.' or '..'
 * segments, a ':' that would read as a URI scheme) fails the task instead,
 * so a bad key can never write outside the committer's reach.
 *
 * mrjob's inline and local runners run no output format; there the jobs'
 * last reducer writes the same layout itself (mapreduce/partitioned.py).
 */
public class PartitionedTextOutputFormat extends MultipleTextOutputFormat<Text, Text> {

  @Override
  protected String generateFileNameForKeyValue(Text key, Text value, String name) {
    String folder = key == null ? "" : key.toString();
    if (folder.isEmpty() || folder.startsWith("/") || folder.endsWith("/") || folder.indexOf(':') >= 0) {
      throw new IllegalArgumentException("not a partition folder: '" + folder + "'");
    }
    for (String segment : folder.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("not a partition folder: '" + folder + "'");
      }
    }
    return folder + "/" + name;
  }

  @Override
  protected Text generateActualKey(Text key, Text value) {
    return null;
  }
}
