package io.lakeward.audit.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** One page of a query: the events in sequence order, and the token of the next page if there is one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditPage(@JsonProperty("events") List<Entry> events, @JsonProperty("next_page_token") String nextPageToken) {

    /** An event with its place in the tenant's chain. */
    public record Entry(@JsonProperty("sequence") long sequence, @JsonProperty("record_hash") String recordHash,
                        @JsonProperty("event") JsonNode event) {
    }
}
