<#--
  Runnel's statements and clauses, added to Calcite's grammar (design note 0002).

  Each production below is JavaCC; the template includes this file among its own productions, so
  every Calcite production (QueryOrExpr, OrderByLimitOpt, DataType, SimpleIdentifier, ...) is
  callable here. Helpers that need more than a line of Java live in io.runnel.sql.parser, where
  they can be read and tested as ordinary code.
-->

/**
 * Parses a query that may end in an EMIT clause, as a statement:
 *
 *   query [ EMIT CHANGES | EMIT FINAL ] [ ORDER BY ... ] [ LIMIT ... | OFFSET ... | FETCH ... ]
 *
 * Registered before Calcite's own statements, it only takes input that starts like a query; an
 * expression where a statement belongs falls through to Calcite, which reports it as before.
 */
SqlNode RunnelQueryStatement() :
{
    final SqlNode e;
}
{
    (
        LOOKAHEAD({ getToken(1).kind == SELECT || getToken(1).kind == WITH
            || getToken(1).kind == VALUES || getToken(1).kind == TABLE
            || getToken(1).kind == LPAREN })
        e = RunnelOrderedQuery()
    |
        // Never taken: gives the semantic lookahead above a choice point to guard.
        UnusedExtension() { e = null; }
    )
    { return e; }
}

/**
 * Parses a query with an optional EMIT clause between its body and ORDER BY / LIMIT, where
 * ksqlDB puts it. EMIT CHANGES adds the STREAM keyword to the SELECT, which makes the tree the
 * same as Calcite's "SELECT STREAM ..."; EMIT FINAL does the same and wraps the result in
 * SqlEmitFinal. Only a statement's (or EXPLAIN's) query gets here: sub-queries use Calcite's
 * productions, which have no EMIT, just as Calcite allows STREAM only at the top.
 */
SqlNode RunnelOrderedQuery() :
{
    SqlNode e;
    SqlParserPos finalPos = null;
}
{
    e = QueryOrExpr(ExprContext.ACCEPT_QUERY)
    [
        <EMIT_CHANGES> {
            e = StreamingQueries.applyEmit(e, EmitMode.CHANGES, getPos());
        }
    |
        <EMIT_FINAL> {
            finalPos = getPos();
            e = StreamingQueries.applyEmit(e, EmitMode.FINAL, finalPos);
        }
    ]
    e = OrderByLimitOpt(e)
    {
        if (finalPos != null) {
            return new SqlEmitFinal(Span.of(e).add(finalPos).pos(), e);
        }
        return e;
    }
}

/**
 * Parses EXPLAIN PLAN like Calcite's SqlExplain, except that the explained query may end in an
 * EMIT clause.
 */
SqlNode RunnelExplain() :
{
    final SqlNode stmt;
    SqlExplainLevel detailLevel = SqlExplainLevel.EXPPLAN_ATTRIBUTES;
    final SqlExplain.Depth depth;
    final SqlExplainFormat format;
}
{
    <EXPLAIN> <PLAN>
    [ detailLevel = ExplainDetailLevel() ]
    depth = ExplainDepth()
    (
        LOOKAHEAD(2) <AS> <XML> { format = SqlExplainFormat.XML; }
    |
        LOOKAHEAD(2) <AS> <JSON> { format = SqlExplainFormat.JSON; }
    |
        <AS> <DOT_FORMAT> { format = SqlExplainFormat.DOT; }
    |
        { format = SqlExplainFormat.TEXT; }
    )
    <FOR>
    (
        stmt = RunnelOrderedQuery()
    |
        stmt = SqlInsert()
    |
        stmt = SqlDelete()
    |
        stmt = SqlUpdate()
    |
        stmt = SqlMerge()
    )
    {
        return new SqlExplain(getPos(), stmt,
            detailLevel.symbol(SqlParserPos.ZERO),
            depth.symbol(SqlParserPos.ZERO),
            format.symbol(SqlParserPos.ZERO),
            nDynamicParams);
    }
}

/** Parses the name of a topic: one identifier (see TopicNames.requireUnqualified). */
SqlIdentifier TopicName() :
{
    final SqlIdentifier id;
}
{
    id = CompoundIdentifier() { return TopicNames.requireUnqualified(id); }
}

/** Parses "name type [NOT NULL | NULL]". */
SqlTopicColumn TopicColumn() :
{
    final SqlIdentifier name;
    final SqlDataTypeSpec type;
    final boolean nullable;
}
{
    name = SimpleIdentifier()
    type = DataType()
    nullable = NullableOptDefaultTrue()
    {
        return new SqlTopicColumn(Span.of(name).end(this), name, type.withNullable(nullable));
    }
}

/** Parses "( column [, column ]* )". */
SqlNodeList TopicColumnList() :
{
    final Span s;
    final List<SqlNode> list = new ArrayList<SqlNode>();
    SqlTopicColumn column;
}
{
    <LPAREN> { s = span(); }
    column = TopicColumn() { list.add(column); }
    (
        <COMMA> column = TopicColumn() { list.add(column); }
    )*
    <RPAREN>
    { return new SqlNodeList(list, s.end(this)); }
}

/** Parses "( key = literal [, key = literal ]* )". */
SqlNodeList TopicOptionList() :
{
    final Span s;
    final List<SqlNode> list = new ArrayList<SqlNode>();
    SqlTopicOption option;
}
{
    <LPAREN> { s = span(); }
    option = TopicOption() { list.add(option); }
    (
        <COMMA> option = TopicOption() { list.add(option); }
    )*
    <RPAREN>
    { return new SqlNodeList(list, s.end(this)); }
}

/** Parses "key = literal", the literal being a string, a signed number or a boolean. */
SqlTopicOption TopicOption() :
{
    final SqlIdentifier key;
    final SqlLiteral value;
    final String text;
}
{
    key = SimpleIdentifier()
    <EQ>
    (
        text = SimpleStringLiteral() {
            value = SqlLiteral.createCharString(text, getPos());
        }
    |
        value = NumericLiteral()
    |
        <TRUE> { value = SqlLiteral.createBoolean(true, getPos()); }
    |
        <FALSE> { value = SqlLiteral.createBoolean(false, getPos()); }
    )
    {
        return new SqlTopicOption(Span.of(key).end(this), key, value);
    }
}

/** Parses the partition key: "( column [, column ]* )" or a single column. */
SqlNodeList PartitionKey() :
{
    final SqlNodeList list;
    final SqlIdentifier column;
}
{
    (
        list = ParenthesizedSimpleIdentifierList() { return list; }
    |
        column = SimpleIdentifier() {
            return new SqlNodeList(Collections.singletonList((SqlNode) column),
                column.getParserPosition());
        }
    )
}

/**
 * Parses the rest of "CREATE TOPIC [IF NOT EXISTS] name ( columns ) [PARTITION BY key]
 * [WITH ( options )]", after CREATE [OR REPLACE].
 */
SqlCreate SqlCreateTopic(Span s, boolean replace) :
{
    boolean ifNotExists = false;
    final SqlIdentifier name;
    final SqlNodeList columns;
    SqlNodeList partitionKey = SqlNodeList.EMPTY;
    SqlNodeList withOptions = SqlNodeList.EMPTY;
}
{
    <TOPIC> {
        if (replace) {
            throw SqlUtil.newContextException(s.end(this),
                io.runnel.sql.parser.RunnelParserResource.RESOURCE.createOrReplaceTopic());
        }
    }
    [
        // Three tokens, so that a topic may be called "if": CREATE TOPIC if (...).
        LOOKAHEAD(3) <IF> <NOT> <EXISTS> { ifNotExists = true; }
    ]
    name = TopicName()
    columns = TopicColumnList()
    [ <PARTITION> <BY> partitionKey = PartitionKey() ]
    [ <WITH> withOptions = TopicOptionList() ]
    {
        final SqlCreateTopic create = new SqlCreateTopic(s.end(this), ifNotExists, name,
            columns, partitionKey, withOptions);
        create.validateDefinition();
        return create;
    }
}

/** Parses the rest of "DROP TOPIC [IF EXISTS] name", after DROP. */
SqlDrop SqlDropTopic(Span s, boolean replace) :
{
    boolean ifExists = false;
    final SqlIdentifier name;
}
{
    <TOPIC>
    [
        // Two tokens, so that a topic may be called "if": DROP TOPIC if.
        LOOKAHEAD(2) <IF> <EXISTS> { ifExists = true; }
    ]
    name = TopicName()
    {
        return new SqlDropTopic(s.end(this), ifExists, name);
    }
}

/**
 * Parses "ALTER TOPIC name SET ( options )", "ALTER TOPIC name ADD [COLUMN] column",
 * "ALTER TOPIC name MOVE PARTITION n TO ( broker, ... )", "ALTER TOPIC name MOVE PARTITIONS TO ( broker, ... )"
 * and "ALTER TOPIC name CANCEL MOVE".
 * (Calcite's ALTER handles only ALTER SYSTEM / ALTER SESSION, so this is a statement of its own.)
 */
SqlNode SqlAlterTopic() :
{
    final Span s;
    final SqlIdentifier name;
    final SqlNodeList setOptions;
    final SqlTopicColumn column;
    SqlNumericLiteral partition = null;
    final SqlNodeList brokers;
}
{
    <ALTER> { s = span(); } <TOPIC> name = TopicName()
    (
        <SET> setOptions = TopicOptionList() {
            final SqlAlterTopicSetOptions set =
                new SqlAlterTopicSetOptions(s.end(this), name, setOptions);
            set.validateDefinition();
            return set;
        }
    |
        <ADD> [ <COLUMN> ] column = TopicColumn() {
            final SqlAlterTopicAddColumn add =
                new SqlAlterTopicAddColumn(s.end(this), name, column);
            add.validateDefinition();
            return add;
        }
    |
        <MOVE>
        (
            <PARTITION> partition = UnsignedNumericLiteral()
        |
            <PARTITIONS>
        )
        <TO> brokers = BrokerIdList() {
            final SqlAlterTopicMove move =
                new SqlAlterTopicMove(s.end(this), name, partition, brokers);
            move.validateDefinition();
            return move;
        }
    |
        <CANCEL> <MOVE> {
            return new SqlAlterTopicCancelMove(s.end(this), name);
        }
    )
}

/** Parses "( id [, id]* )": broker ids for ALTER TOPIC ... MOVE. */
SqlNodeList BrokerIdList() :
{
    final Span s;
    final List<SqlNode> ids = new ArrayList<SqlNode>();
    SqlNumericLiteral id;
}
{
    <LPAREN> { s = span(); }
    id = UnsignedNumericLiteral() { ids.add(id); }
    ( <COMMA> id = UnsignedNumericLiteral() { ids.add(id); } )*
    <RPAREN>
    {
        return new SqlNodeList(ids, s.end(this));
    }
}

/**
 * Parses "ALTER CONSUMER GROUP group RESET OFFSETS FOR TOPIC topic [PARTITION n]
 * TO { EARLIEST | LATEST | TIMESTAMP 'literal' | OFFSET n }".
 */
SqlNode SqlAlterConsumerGroupResetOffsets() :
{
    final Span s;
    final SqlIdentifier group;
    final SqlIdentifier topic;
    SqlNumericLiteral partition = null;
    final SqlAlterConsumerGroupResetOffsets.ResetTarget target;
    SqlLiteral value = null;
    final Span ts;
    final String timestamp;
}
{
    <ALTER> { s = span(); } <CONSUMER> <GROUP> group = SimpleIdentifier()
    <RESET> <OFFSETS> <FOR> <TOPIC> topic = TopicName()
    [ <PARTITION> partition = UnsignedNumericLiteral() ]
    <TO>
    (
        <EARLIEST> { target = SqlAlterConsumerGroupResetOffsets.ResetTarget.EARLIEST; }
    |
        <LATEST> { target = SqlAlterConsumerGroupResetOffsets.ResetTarget.LATEST; }
    |
        <TIMESTAMP> { ts = span(); } timestamp = SimpleStringLiteral() {
            target = SqlAlterConsumerGroupResetOffsets.ResetTarget.TIMESTAMP;
            value = SqlParserUtil.parseTimestampLiteral(timestamp, ts.end(this));
        }
    |
        <OFFSET> value = UnsignedNumericLiteral() {
            target = SqlAlterConsumerGroupResetOffsets.ResetTarget.OFFSET;
        }
    )
    {
        final SqlAlterConsumerGroupResetOffsets reset = new SqlAlterConsumerGroupResetOffsets(
            s.end(this), group, topic, partition, target, value);
        reset.validateDefinition();
        return reset;
    }
}

/** Parses "SHOW TOPICS [LIKE 'pattern']". */
SqlNode SqlShowTopics() :
{
    final Span s;
    SqlCharStringLiteral pattern = null;
    final String text;
}
{
    <SHOW> { s = span(); } <TOPICS>
    [
        <LIKE> text = SimpleStringLiteral() {
            pattern = SqlLiteral.createCharString(text, getPos());
        }
    ]
    { return new SqlShowTopics(s.end(this), pattern); }
}

/** Parses "CANCEL QUERY 'query-id'". */
SqlNode SqlCancelQuery() :
{
    final Span s;
    final String text;
}
{
    <CANCEL> { s = span(); } <QUERY> text = SimpleStringLiteral() {
        final SqlCancelQuery cancel = new SqlCancelQuery(s.end(this),
            SqlLiteral.createCharString(text, getPos()));
        cancel.validateDefinition();
        return cancel;
    }
}

/**
 * Parses the DESCRIBE forms Calcite's SqlDescribe does not: "DESCRIBE TOPIC name [column]", and
 * "DESCRIBE name [column]" where the name is one of Runnel's non-reserved keywords (Calcite
 * looks for a plain identifier there, so "DESCRIBE topics" would otherwise fail). Both produce
 * Calcite's SqlDescribeTable, which is what "DESCRIBE [TABLE] name" gives: a topic is a table.
 * "DESCRIBE TOPIC" alone describes a table called "topic".
 */
SqlNode RunnelDescribe() :
{
    final Span s;
    final SqlIdentifier table;
    SqlIdentifier column = null;
}
{
    <DESCRIBE> { s = span(); }
    (
        // TOPIC is also one of the keywords the next alternative accepts as a table name; as the
        // first word after DESCRIBE it means the statement form.
        LOOKAHEAD(1)
        <TOPIC>
        (
            table = TopicName()
            [ column = SimpleIdentifier() ]
        |
            { table = new SqlIdentifier(unquotedIdentifier(), getPos()); }
        )
    |
        LOOKAHEAD({ getToken(1).kind == TOPICS || getToken(1).kind == EMIT
            || getToken(1).kind == CHANGES || getToken(1).kind == CANCEL
            || getToken(1).kind == QUERY || getToken(1).kind == CONSUMER
            || getToken(1).kind == OFFSETS || getToken(1).kind == EARLIEST
            || getToken(1).kind == LATEST || getToken(1).kind == IF })
        table = CompoundIdentifier()
        [ column = SimpleIdentifier() ]
    )
    {
        return new SqlDescribeTable(s.add(table).addIf(column).pos(), table, column);
    }
}
