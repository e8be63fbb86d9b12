package dev.cairn.persistence;

/**
 * Token counts of one model call, or a sum of them.
 *
 * @param inputTokens prompt tokens, cached ones included
 * @param outputTokens completion tokens, reasoning ones included
 * @param cachedInputTokens prompt tokens served from the provider's cache
 * @param reasoningTokens completion tokens spent on reasoning
 */
public record TokenUsage(long inputTokens, long outputTokens, long cachedInputTokens, long reasoningTokens) {
    /** No tokens. */
    public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0);

    /**
     * Validates.
     *
     * @throws InvalidRequestException if a count is negative
     */
    public TokenUsage {
        if (inputTokens < 0 || outputTokens < 0 || cachedInputTokens < 0 || reasoningTokens < 0) {
            throw new InvalidRequestException("Token counts cannot be negative: " + inputTokens + " input, "
                    + outputTokens + " output, " + cachedInputTokens + " cached, " + reasoningTokens + " reasoning");
        }
    }

    /**
     * Input and output tokens only.
     *
     * @param inputTokens prompt tokens
     * @param outputTokens completion tokens
     * @return the usage
     */
    public static TokenUsage of(long inputTokens, long outputTokens) {
        return new TokenUsage(inputTokens, outputTokens, 0, 0);
    }

    /**
     * Adds two usages.
     *
     * @param other the other usage
     * @return the sum
     */
    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(Math.addExact(inputTokens, other.inputTokens), Math.addExact(outputTokens, other.outputTokens),
                Math.addExact(cachedInputTokens, other.cachedInputTokens),
                Math.addExact(reasoningTokens, other.reasoningTokens));
    }

    /** @return input plus output tokens */
    public long totalTokens() {
        return inputTokens + outputTokens;
    }
}
