package io.lakeward.metastore;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work done inside one metadata transaction. It gets a connection already bound to its scope; it
 * must not commit, roll back or change the connection's settings: the caller of the scope does.
 */
@FunctionalInterface
public interface TransactionWork<T> {
    T run(Connection connection) throws SQLException;
}
