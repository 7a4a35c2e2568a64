// The teaching-tool panels of the page, one import each (each module calls registerPanel from
// ../tools.js). The order here is the order of the tabs.
