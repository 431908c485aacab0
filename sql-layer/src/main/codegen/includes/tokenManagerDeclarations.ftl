<#--
  Runnel: code of the generated token manager (inside TOKEN_MGR_DECLS).
-->

    /*
     * EMIT CHANGES and EMIT FINAL are single tokens. EMIT is a non-reserved keyword, so if the
     * clause were two tokens, "FROM orders EMIT CHANGES" and "SELECT 1 EMIT CHANGES" would read
     * EMIT as an alias and fail on CHANGES. The lexer therefore looks past an EMIT for the next
     * word, skipping blanks and comments the way it skips them between any two tokens, and makes
     * EMIT and that word one token when the word is CHANGES or FINAL. String literals, quoted
     * identifiers and comments are lexed whole by their own rules, so the words inside them never
     * get here.
     */

    /** After the keyword EMIT: widens it to EMIT_CHANGES or EMIT_FINAL if that word follows. */
    void matchedEmit(Token t) {
        final StringBuilder ahead = new StringBuilder();
        int i = 0;
        while (true) {
            final int c = charAhead(ahead, i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                i++;
            } else if ((c == '-' || c == '/') && charAhead(ahead, i + 1) == c) {
                i += 2;
                while (charAhead(ahead, i) != -1 && charAhead(ahead, i) != '\n'
                    && charAhead(ahead, i) != '\r') {
                    i++;
                }
            } else if (c == '/' && charAhead(ahead, i + 1) == '*') {
                i += 2;
                while (!(charAhead(ahead, i) == '*' && charAhead(ahead, i + 1) == '/')) {
                    if (charAhead(ahead, i) == -1) {
                        // An unterminated comment: leave it to the lexer to report.
                        input_stream.backup(ahead.length());
                        return;
                    }
                    i++;
                }
                i += 2;
            } else {
                break;
            }
        }
        final int wordStart = i;
        while (charAhead(ahead, i) != -1 && isIdentifierPart((char) charAhead(ahead, i))) {
            i++;
        }
        final String word = ahead.substring(wordStart, i);
        final int kind = word.equalsIgnoreCase("CHANGES") ? EMIT_CHANGES
            : word.equalsIgnoreCase("FINAL") ? EMIT_FINAL
            : -1;
        if (kind == -1 || wordStart == 0) {
            input_stream.backup(ahead.length());
            return;
        }
        input_stream.backup(ahead.length() - i);
        t.kind = kind;
        t.image = t.image + ahead.substring(0, i);
        t.endLine = input_stream.getEndLine();
        t.endColumn = input_stream.getEndColumn();
    }

    /**
     * After "EMIT CHANGES" or "EMIT FINAL" matched as written with one blank: if an identifier
     * runs on from the second word ("emit changesx"), the input was EMIT and another name, so
     * this keeps only EMIT and gives the rest back.
     */
    void matchedEmitClause(Token t) {
        final StringBuilder ahead = new StringBuilder();
        final int next = charAhead(ahead, 0);
        input_stream.backup(ahead.length());
        if (next == -1 || !isIdentifierPart((char) next)) {
            return;
        }
        final int emitLength = "EMIT".length();
        input_stream.backup(t.image.length() - emitLength);
        t.kind = EMIT;
        t.image = t.image.substring(0, emitLength);
        t.endLine = t.beginLine;
        t.endColumn = t.beginColumn + emitLength - 1;
    }

    /**
     * The character {@code i} places past the current token, reading it (and any before it) into
     * {@code ahead} if not read yet; -1 at the end of input. The caller gives back what it does
     * not keep with {@code input_stream.backup(n)}.
     */
    private int charAhead(StringBuilder ahead, int i) {
        while (ahead.length() <= i) {
            try {
                ahead.append(input_stream.readChar());
            } catch (java.io.IOException endOfInput) {
                return -1;
            }
        }
        return ahead.charAt(i);
    }

    /** Whether {@code c} continues an unquoted identifier (letters and digits of any script,
     * '_' and '$', as the lexer's LETTER and DIGIT). */
    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
