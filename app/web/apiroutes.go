package web

import (
	"net/http"

	"agent/app/account"
	"agent/app/quote"
)

// apiRoutes is the API's whole surface with the scope each operation needs, readable at a
// glance. The router and the OpenAPI document are both made from it.
func (s *Server) apiRoutes() []apiRoute {
	search := apiParam{name: "q", desc: "Words that must each appear"}
	views := apiParam{name: "view", desc: "Which conversations: all open ones (default), those no one has, those waiting for a person's reply, those with an unread customer message, or the closed ones",
		enum: []string{"all", "unassigned", "unreplied", "unread", "closed"}}
	return []apiRoute{
		{method: "GET", path: "/api/v1/openapi.json", id: "getOpenAPI", summary: "This API's OpenAPI 3.1 document", out: map[string]any{},
			handle: s.apiOpenAPI},

		{method: "GET", path: "/api/v1/contacts", scope: account.ScopeContactsRead, id: "listContacts",
			summary: "Contacts, newest first", query: []apiParam{search}, out: apiContact{}, list: true, handle: s.apiContacts},
		{method: "GET", path: "/api/v1/contacts/{contact}", scope: account.ScopeContactsRead, id: "getContact",
			summary: "One contact", out: apiContact{}, handle: s.apiContact},

		{method: "GET", path: "/api/v1/conversations", scope: account.ScopeConversationsRead, id: "listConversations",
			summary: "Conversations, most recent activity first", query: []apiParam{views, search}, out: apiConversation{}, list: true,
			handle: s.apiConversations},
		{method: "GET", path: "/api/v1/conversations/{conversation}", scope: account.ScopeConversationsRead, id: "getConversation",
			summary: "One conversation", out: apiConversation{}, handle: s.apiConversation},
		{method: "GET", path: "/api/v1/conversations/{conversation}/messages", scope: account.ScopeConversationsRead, id: "listMessages",
			summary: "A conversation's messages and internal notes, oldest first", out: apiMessage{}, list: true, handle: s.apiMessages},
		{method: "POST", path: "/api/v1/conversations/{conversation}/messages", scope: account.ScopeConversationsWrite, id: "sendReply",
			summary: "Send a reply to the customer, as the token's admin: the conversation leaves the AI", body: apiTextInput{},
			out: apiMessage{}, status: http.StatusCreated, handle: s.apiReply},
		{method: "POST", path: "/api/v1/conversations/{conversation}/notes", scope: account.ScopeConversationsWrite, id: "addNote",
			summary: "Add an internal note, which only staff see", body: apiTextInput{}, out: apiMessage{}, status: http.StatusCreated,
			handle: s.apiNote},
		{method: "PUT", path: "/api/v1/conversations/{conversation}/assignment", scope: account.ScopeConversationsWrite, id: "assignConversation",
			summary: "Give the conversation to a member and/or a team; neither leaves it unassigned", body: apiAssignment{},
			out: apiConversation{}, handle: s.apiAssign},
		{method: "POST", path: "/api/v1/conversations/{conversation}/close", scope: account.ScopeConversationsWrite, id: "closeConversation",
			summary: "Close the conversation", out: apiConversation{}, handle: s.apiSetStatus(true)},
		{method: "POST", path: "/api/v1/conversations/{conversation}/reopen", scope: account.ScopeConversationsWrite, id: "reopenConversation",
			summary: "Reopen the conversation", out: apiConversation{}, handle: s.apiSetStatus(false)},

		{method: "GET", path: "/api/v1/knowledge", scope: account.ScopeKnowledgeRead, id: "listKnowledge",
			summary: "Knowledge sources, most recently changed first",
			query: []apiParam{{name: "q", desc: "Part of the title, URL or file name"},
				{name: "kind", enum: []string{"article", "file", "url", "short_answer"}},
				{name: "status", enum: []string{"pending", "ready", "error"}}},
			out: apiSource{}, list: true, handle: s.apiSources},
		{method: "GET", path: "/api/v1/knowledge/{source}", scope: account.ScopeKnowledgeRead, id: "getKnowledge",
			summary: "One source, with its text", out: apiSource{}, handle: s.apiSource},
		{method: "POST", path: "/api/v1/knowledge/articles", scope: account.ScopeKnowledgeWrite, id: "createArticle",
			summary: "Add an article (Markdown)", body: apiArticleInput{}, out: apiSource{}, status: http.StatusCreated, handle: s.apiCreateArticle},
		{method: "POST", path: "/api/v1/knowledge/short-answers", scope: account.ScopeKnowledgeWrite, id: "createShortAnswer",
			summary: "Add a short answer to a question and its variants", body: apiShortAnswerInput{}, out: apiSource{},
			status: http.StatusCreated, handle: s.apiCreateShortAnswer},
		{method: "POST", path: "/api/v1/knowledge/urls", scope: account.ScopeKnowledgeWrite, id: "addURL",
			summary: "Add a web page; it is fetched in the background (status pending, then ready or error)", body: apiURLInput{},
			out: apiSource{}, status: http.StatusCreated, handle: s.apiAddURL},
		{method: "POST", path: "/api/v1/knowledge/{source}/sync", scope: account.ScopeKnowledgeWrite, id: "syncKnowledge",
			summary: "Fetch a web page source again as soon as possible", out: apiSource{}, status: http.StatusAccepted, handle: s.apiSync},
		{method: "DELETE", path: "/api/v1/knowledge/{source}", scope: account.ScopeKnowledgeWrite, id: "removeKnowledge",
			summary: "Remove a source and what was learnt from it", status: http.StatusNoContent, handle: s.apiRemoveSource},

		{method: "GET", path: "/api/v1/agents", scope: account.ScopeAgentsRead, id: "listAgents",
			summary: "The workspace's AI agents", out: apiAgent{}, list: true, handle: s.apiAgents},
		{method: "GET", path: "/api/v1/agents/{agent}", scope: account.ScopeAgentsRead, id: "getAgent",
			summary: "One AI agent", out: apiAgent{}, handle: s.apiAgent},
		{method: "GET", path: "/api/v1/members", scope: account.ScopeMembersRead, id: "listMembers",
			summary: "The workspace's people, to assign conversations to", out: apiMember{}, list: true, handle: s.apiMembers},
		{method: "GET", path: "/api/v1/teams", scope: account.ScopeMembersRead, id: "listTeams",
			summary: "The workspace's teams", out: apiTeam{}, list: true, handle: s.apiTeams},

		{method: "GET", path: "/api/v1/quotes", scope: account.ScopeQuotesRead, id: "listQuotes",
			summary: "Sales quotes, the last changed first", out: apiQuoteSummary{}, list: true, handle: s.apiQuotes,
			query: []apiParam{{name: "status", desc: "Only the quotes in this state", enum: []string{"draft", "published", "expired", "accepted", "withdrawn"}},
				{name: "q", desc: "Part of the number, title or buyer's company"}}},
		{method: "GET", path: "/api/v1/quotes/{quote}", scope: account.ScopeQuotesRead, id: "getQuote",
			summary: "One quote with its lines and exact totals", out: apiQuote{}, handle: s.apiQuote},
		{method: "POST", path: "/api/v1/quotes", scope: account.ScopeQuotesWrite, id: "createQuote",
			summary: "Create a draft quote (the JSON of agent quote import)", body: quote.Record{}, out: apiQuote{},
			status: http.StatusCreated, handle: s.apiCreateQuote},
		{method: "PUT", path: "/api/v1/quotes/{quote}", scope: account.ScopeQuotesWrite, id: "updateQuote",
			summary: "Replace a quote's content (not its status); an accepted quote cannot change", body: quote.Record{}, out: apiQuote{},
			handle: s.apiUpdateQuote},
		{method: "POST", path: "/api/v1/quotes/{quote}/publish", scope: account.ScopeQuotesWrite, id: "publishQuote",
			summary: "Publish a draft or withdrawn quote: its public page goes live", out: apiQuote{}, handle: s.apiPublishQuote},

		{method: "GET", path: "/api/v1/reports/performance", scope: account.ScopeReportsRead, id: "getPerformance",
			summary: "The performance report's figures (the Reports page's)",
			query: []apiParam{{name: "from", desc: "First day, YYYY-MM-DD (default: twelve weeks before to)"},
				{name: "to", desc: "Last day, YYYY-MM-DD (default: today in the workspace's time zone)"},
				{name: "agent", desc: "An AI agent's ID"}, {name: "channel", enum: []string{"chat", "email", "whatsapp", "messenger"}}},
			out: apiFigures{}, handle: s.apiPerformance},
		{method: "GET", path: "/api/v1/reports/usage", scope: account.ScopeReportsRead, id: "getUsage",
			summary: "Billable conversations per month", out: apiUsage{}, handle: s.apiUsage},
	}
}
