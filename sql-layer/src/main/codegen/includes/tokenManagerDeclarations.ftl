<#--
  Runnel: code of the generated token manager (inside TOKEN_MGR_DECLS).
-->

    /**
     * Completes the match of an EMIT_CHANGES or EMIT_FINAL token.
     *
     * <p>"EMIT CHANGES" is lexed as one token, not as EMIT followed by CHANGES, because EMIT is
     * a non-reserved keyword: after "FROM orders" or "SELECT 1" the parser would otherwise
     * read EMIT as an alias and then fail on CHANGES. Whitespace and comments may separate the
     * words. String literals and comments are lexed by their own rules, so the words inside
     * them never form this token.
     *
     * <p>The token's pattern lets the second word run on with identifier characters so that the
     * longest match covers "emit changesx" too; when it does run on, the input was the keyword
     * EMIT followed by some other identifier, so this keeps only EMIT and gives the rest back
     * to the lexer.
     */
    void keepWholeEmitClause(Token t, String secondWord) {
        final String text = t.image;
        int wordStart = text.length();
        while (wordStart > 0 && isIdentifierPart(text.charAt(wordStart - 1))) {
            wordStart--;
        }
        if (text.length() - wordStart == secondWord.length()) {
            return;
        }
        final int emitLength = "EMIT".length();
        input_stream.backup(text.length() - emitLength);
        t.kind = EMIT;
        t.image = text.substring(0, emitLength);
        t.endLine = t.beginLine;
        t.endColumn = t.beginColumn + emitLength - 1;
    }

    /** Whether {@code c} can continue an unquoted identifier. None of the characters that can
     * end the separator before the second word (white space, newline, '/') is one. */
    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
