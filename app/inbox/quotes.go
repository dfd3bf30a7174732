package inbox

// ChannelQuote is the channel of the conversations started on a quote's public page: the
// chat there is a chat channel's widget, bound to the quote, and its conversations are
// recorded (and reported) apart, as "quote".
const ChannelQuote = "quote"
