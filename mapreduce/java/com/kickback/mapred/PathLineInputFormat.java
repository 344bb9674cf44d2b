package com.kickback.mapred;

import java.io.IOException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.InputSplit;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.LineRecordReader;
import org.apache.hadoop.mapred.RecordReader;
import org.apache.hadoop.mapred.Reporter;
import org.apache.hadoop.mapred.lib.CombineFileInputFormat;
import org.apache.hadoop.mapred.lib.CombineFileRecordReader;
import org.apache.hadoop.mapred.lib.CombineFileSplit;

/**
 * The input format of the KickBack jobs on Hadoop: many small files combine
 * into few map tasks (a day of hourly landing files is one split, not 24), and
 * every record names the file it comes from, because one task now reads
 * several files and the task-wide mapreduce.map.input.file no longer says
 * which. Streaming hands the mapper "key TAB value": the key is the file's
 * URI, the value the line (gzip and other codecs are read as usual). Split
 * size is bounded by mapreduce.input.fileinputformat.split.maxsize.
 *
 * mrjob's inline and local runners run no Java input format; there the jobs
 * read the file name from the task environment (mapreduce/inputs.py).
 */
public class PathLineInputFormat extends CombineFileInputFormat<Text, Text> {

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public RecordReader<Text, Text> getRecordReader(InputSplit split, JobConf job, Reporter reporter)
      throws IOException {
    return new CombineFileRecordReader(job, (CombineFileSplit) split, reporter, PathLineReader.class);
  }

  /** One file of a combined split: its lines, each keyed by the file's URI. */
  public static class PathLineReader implements RecordReader<Text, Text> {
    private final LineRecordReader lines;
    private final Text path;
    private final LongWritable offset = new LongWritable();

    public PathLineReader(CombineFileSplit split, Configuration conf, Reporter reporter, Integer index)
        throws IOException {
      Path file = split.getPath(index);
      FileSplit one = new FileSplit(file, split.getOffset(index), split.getLength(index), (String[]) null);
      this.lines = new LineRecordReader(conf, one);
      this.path = new Text(file.toString());
    }

    @Override
    public boolean next(Text key, Text value) throws IOException {
      if (!lines.next(offset, value)) {
        return false;
      }
      key.set(path);
      return true;
    }

    @Override
    public Text createKey() {
      return new Text();
    }

    @Override
    public Text createValue() {
      return new Text();
    }

    @Override
    public long getPos() throws IOException {
      return lines.getPos();
    }

    @Override
    public void close() throws IOException {
      lines.close();
    }

    @Override
    public float getProgress() throws IOException {
      return lines.getProgress();
    }
  }
}
