package io.jobcommon.reliability;

/** The payload the suite's workers handle: an id to record and a sequence number. */
record Job(String id, int seq) {}
